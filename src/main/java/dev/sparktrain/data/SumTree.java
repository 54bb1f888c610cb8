package dev.sparktrain.data;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
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
 * (key, array) pairs, with no TreeMap or Long class descriptors to write and read.
 */
public final class SumTree implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double[] EMPTY = new double[0];

    private final long leaves;
    private final int top;
    /** Maximal final nodes, keyed by {@link #key}; a zero-length value is an empty node. */
    private transient TreeMap<Long, double[]> nodes = new TreeMap<>();

    public SumTree(long leaves) {
        if (leaves < 1) throw new IllegalArgumentException("a sum tree needs at least one leaf, got " + leaves);
        this.leaves = leaves;
        this.top = 64 - Long.numberOfLeadingZeros(leaves - 1);
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

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeInt(nodes.size());
        for (Map.Entry<Long, double[]> e : nodes.entrySet()) {
            out.writeLong(e.getKey());
            out.writeObject(e.getValue()); // arrays go in bulk; [D's descriptor once per stream
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        nodes = new TreeMap<>();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            long k = in.readLong();
            double[] v = (double[]) in.readObject();
            nodes.put(k, v.length == 0 ? EMPTY : v);
        }
    }

    private static long key(int level, long index) {
        return ((long) level << 56) | index;
    }
}
