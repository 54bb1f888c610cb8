package dev.sparktrain.data;

import dev.sparktrain.SparkTrainException;

import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

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
public final class SumTree implements Externalizable {
    private static final long serialVersionUID = 1L;
    private static final double[] EMPTY = new double[0];

    private long leaves;
    private int top;
    /** Maximal final nodes, keyed by {@link #key}; a zero-length value is an empty node. */
    private final TreeMap<Long, double[]> nodes = new TreeMap<>();

    public SumTree(long leaves) {
        if (leaves < 1) throw new IllegalArgumentException("a sum tree needs at least one leaf, got " + leaves);
        this.leaves = leaves;
        this.top = 64 - Long.numberOfLeadingZeros(leaves - 1);
    }

    /** For {@link Externalizable} only (Spark's task results); {@link #readExternal} sets the fields. */
    public SumTree() {
    }

    public long leaves() {
        return leaves;
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
        if (other.leaves != leaves) throw new IllegalArgumentException("sum trees of " + leaves + " and " + other.leaves + " leaves");
        for (Map.Entry<Long, double[]> e : other.nodes.entrySet()) {
            long k = e.getKey();
            insert((int) (k >>> 56), k & ((1L << 56) - 1), e.getValue());
        }
        other.nodes.clear();
    }

    /** Whether every leaf has been set. */
    public boolean complete() {
        return nodes.size() == 1 && nodes.containsKey(key(top, 0));
    }

    /** The sum of all leaves, or null when every leaf is empty. */
    public double[] root() {
        if (!complete()) throw new IllegalStateException("sum tree incomplete: " + nodes.size() + " partial nodes");
        double[] v = nodes.get(key(top, 0));
        return v.length == 0 ? null : v;
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
        SumTree[] out = new SumTree[bounds.length - 1];
        for (int k = 0; k < out.length; k++) out[k] = new SumTree(leaves);
        for (Map.Entry<Long, double[]> e : nodes.entrySet()) {
            double[] v = e.getValue();
            for (int k = 0; k < out.length; k++) {
                double[] s = EMPTY;
                if (v.length > 0) {
                    int len = bounds[k + 1] - bounds[k];
                    s = new double[len + tail];
                    System.arraycopy(v, bounds[k], s, 0, len);
                    System.arraycopy(v, v.length - tail, s, len, tail);
                }
                out[k].nodes.put(e.getKey(), s);
            }
        }
        nodes.clear();
        return out;
    }

    /** Vectors held (for measuring what a partial tree costs to send). */
    public int vectors() {
        int n = 0;
        for (double[] v : nodes.values()) if (v.length > 0) n++;
        return n;
    }

    private void insert(int level, long index, double[] value) {
        double[] v = value;
        while (level < top) {
            long sibling = index ^ 1;
            double[] s;
            if ((sibling << level) >= leaves) {
                s = EMPTY; // padding beyond the last leaf
            } else {
                s = nodes.remove(key(level, sibling));
                if (s == null) break;
            }
            v = (index & 1) == 0 ? add(v, s) : add(s, v);
            index >>>= 1;
            level++;
        }
        if (nodes.putIfAbsent(key(level, index), v) != null) {
            throw new IllegalStateException("sum tree node (" + level + ", " + index + ") set twice");
        }
    }

    /** left + right, element-wise, into left; an empty side is skipped. */
    private static double[] add(double[] left, double[] right) {
        if (right.length == 0) return left;
        if (left.length == 0) return right;
        for (int i = 0; i < left.length; i++) left[i] += right[i];
        return left;
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        out.writeLong(leaves);
        out.writeInt(nodes.size());
        for (Map.Entry<Long, double[]> e : nodes.entrySet()) {
            double[] v = e.getValue();
            out.writeLong(e.getKey());
            out.writeInt(v.length);
            try {
                ByteBuffer bytes = ByteBuffer.allocate(v.length * Double.BYTES);
                bytes.asDoubleBuffer().put(v);
                out.write(bytes.array());
            } catch (OutOfMemoryError oom) {
                throw outOfMemory("sending", oom, nodes.size(), v.length, "--executor-memory (--driver-memory in local mode)");
            }
        }
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
        leaves = in.readLong();
        if (leaves < 1) throw new IOException("corrupt sum tree: " + leaves + " leaves");
        top = 64 - Long.numberOfLeadingZeros(leaves - 1);
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
                ByteBuffer.wrap(raw).asDoubleBuffer().get(v);
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

    private static long key(int level, long index) {
        return ((long) level << 56) | index;
    }
}
