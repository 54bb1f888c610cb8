package dev.sparktrain.data;

import dev.sparktrain.SparkTrainException;

import java.io.Externalizable;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.Locale;
import java.util.Map;

/**
 * A sum over leaves 0..n-1 added by ONE fixed binary tree over the leaf index, whoever computes
 * which part: node (level l, index i) covers leaves [i·2^l, (i+1)·2^l) and is its left child
 * plus its right child, an empty child (no rows) being skipped. So the root has the same bits
 * whether one task filled every leaf or many tasks each filled some and their trees were merged
 * in any order, on any executor: a node is formed only when both children are final.
 *
 * <p>A partial tree keeps only its maximal final nodes: a task holding a run of leaves sends
 * O(log run) vectors, usually one or two. Vectors are added in place; a tree owns the arrays
 * given to it.
 *
 * <p>Every step's task result is one of these, so its serialized form is compact: the nodes as
 * (key, length, raw doubles), with no TreeMap, Long or array class descriptors to
 * write and read, and no object graph to deserialize.
 */
public final class SumTree extends FixedTree<double[]> implements Externalizable {
    private static final long serialVersionUID = 1L;
    private static final double[] EMPTY = new double[0];

    // nodes (FixedTree): a zero-length value is an empty node

    public SumTree(long leaves) {
        super(leaves);
    }

    /** For {@link Externalizable} only (Spark's task results); {@link #readExternal} sets the fields. */
    public SumTree() {
    }

    /** Sets leaf {@code leaf} (null or empty: no rows there). */
    public void put(long leaf, double[] value) {
        insert(0, leaf, value == null ? EMPTY : value);
    }

    /** Marks leaves [from, to) as empty. */
    public void putEmpty(long from, long to) {
        long a = from;
        while (a < to) {
            int level = a == 0 ? top : Long.numberOfTrailingZeros(a);
            while (level > 0 && a + (1L << level) > to) level--;
            insert(level, a >>> level, EMPTY);
            a += 1L << level;
        }
    }

    /** Adds {@code other}'s final nodes to this tree ({@code other} is used up). */
    public void merge(SumTree other) {
        takeNodes(other, v -> v);
    }

    /** The sum of all leaves, or null when every leaf is empty. */
    public double[] root() {
        return rootNode();
    }

    /** One vector of this partial tree (the lowest-index node holding rows), or null: test hooks alter it. */
    public double[] anyVector() {
        for (double[] v : nodes.values()) if (v.length > 0) return v;
        return null;
    }

    /**
     * This partial tree cut into one tree per slice of the vector: tree k holds every node's
     * values [bounds[k], bounds[k+1]) followed by its last {@code tail} values (the statistics
     * every slice's owner needs). Addition is element-wise, so the slices' roots are exactly the
     * slices of this tree's root: the reduce-scatter of the sharded step. This tree is used up.
     */
    public SumTree[] sliced(int[] bounds, int tail) {
        return cut(bounds.length - 1, (v, k) -> {
            int len = bounds[k + 1] - bounds[k];
            double[] s = new double[len + tail];
            System.arraycopy(v, bounds[k], s, 0, len);
            System.arraycopy(v, v.length - tail, s, len, tail);
            return s;
        });
    }

    /**
     * This partial tree cut into one tree per list of positions: tree k holds every node's values
     * at {@code at[k]} (ascending), an empty node staying empty. The sparse reduce-scatter: a
     * {@link SparseSumTree} that knows the positions adds these in the same order. This tree is used up.
     */
    public SumTree[] picked(int[][] at) {
        return cut(at.length, (v, k) -> {
            double[] s = new double[at[k].length];
            for (int i = 0; i < s.length; i++) s[i] = v[at[k][i]];
            return s;
        });
    }

    /** One tree per part: every node's part k of its (non-empty) vector; empty nodes stay empty. This tree is used up. */
    private SumTree[] cut(int parts, java.util.function.BiFunction<double[], Integer, double[]> part) {
        SumTree[] out = new SumTree[parts];
        for (int k = 0; k < parts; k++) out[k] = new SumTree(leaves);
        for (Map.Entry<Long, double[]> e : nodes.entrySet()) {
            double[] v = e.getValue();
            for (int k = 0; k < parts; k++) out[k].nodes.put(e.getKey(), v.length == 0 ? EMPTY : part.apply(v, k));
        }
        nodes.clear();
        return out;
    }

    /** Values held in all vectors (what a partial tree sends, 8 bytes each). */
    public long values() {
        long n = 0;
        for (double[] v : nodes.values()) n += v.length;
        return n;
    }

    /** Vectors held (for measuring what a partial tree costs to send). */
    public int vectors() {
        int n = 0;
        for (double[] v : nodes.values()) if (v.length > 0) n++;
        return n;
    }

    @Override
    double[] empty() {
        return EMPTY;
    }

    @Override
    boolean isEmpty(double[] v) {
        return v.length == 0;
    }

    /** left + right, element-wise, into left. */
    @Override
    double[] add(double[] left, double[] right) {
        for (int i = 0; i < left.length; i++) left[i] += right[i];
        return left;
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        writeTo(out);
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
        readFrom(in);
    }

    /** This tree's leaf count and final nodes, values as {@link DoubleBytes} (Spark's task results; the persistent links). */
    public void writeTo(DataOutput out) throws IOException {
        out.writeLong(leaves);
        out.writeInt(nodes.size());
        for (Map.Entry<Long, double[]> e : nodes.entrySet()) {
            double[] v = e.getValue();
            out.writeLong(e.getKey());
            out.writeInt(v.length);
            try {
                out.write(DoubleBytes.encode(v));
            } catch (OutOfMemoryError oom) {
                throw outOfMemory("sending", oom, nodes.size(), v.length, "--executor-memory (--driver-memory in local mode)");
            }
        }
    }

    /** Replaces this tree's contents with what {@link #writeTo} wrote; a corrupt count is an {@link IOException}. */
    public void readFrom(DataInput in) throws IOException {
        long n0 = in.readLong();
        if (n0 < 1) throw new IOException("corrupt sum tree: " + n0 + " leaves");
        setLeaves(n0);
        nodes.clear();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long k = in.readLong();
            int len = in.readInt();
            if (len < 0) throw new IOException("corrupt sum tree: node of " + len + " values");
            try {
                byte[] raw = new byte[len * Double.BYTES];
                in.readFully(raw);
                double[] v = len == 0 ? EMPTY : new double[len];
                DoubleBytes.decode(raw, v);
                nodes.put(k, v);
            } catch (OutOfMemoryError oom) {
                throw outOfMemory("receiving", oom, n, len, "--driver-memory (or --executor-memory with spark.sparktrain.reduce=executors)");
            }
        }
    }

    /**
     * One line with the sizes and the setting to raise, without the error as its cause: Spark ends
     * the JVM (and prints pages of stack traces) for an OutOfMemoryError anywhere in a failure's causes.
     */
    private static SparkTrainException outOfMemory(String doing, OutOfMemoryError e, int vectors, int length, String setting) {
        return new SparkTrainException(String.format(Locale.ROOT, "out of memory %s a task's partial sums (%s): %d vectors of "
                        + "%d values × 8 bytes = %.0f MB each; raise %s, or use a smaller model",
                doing, e.getMessage(), vectors, length, length * 8 / (1024.0 * 1024), setting));
    }
}
