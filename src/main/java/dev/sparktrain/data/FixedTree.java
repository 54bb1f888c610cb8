package dev.sparktrain.data;

import java.util.Map;
import java.util.TreeMap;

/**
 * The one fixed binary tree over leaves 0..n-1 that {@link SumTree} adds by, for any kind of node
 * value: node (level l, index i) covers leaves [i·2^l, (i+1)·2^l) and is formed, as
 * {@code add(left, right)} with an empty child skipped, only when both children are final. A
 * partial tree keeps only its maximal final nodes. {@link SumTree} holds dense vectors,
 * {@link SparseSumTree} sparse ones; both add in exactly this order.
 */
abstract class FixedTree<V> {
    long leaves;
    int top;
    /** Maximal final nodes, keyed by {@link #key}. */
    final TreeMap<Long, V> nodes = new TreeMap<>();

    FixedTree(long leaves) {
        setLeaves(leaves);
    }

    /** For deserialization: {@link #setLeaves} follows. */
    FixedTree() {
    }

    final void setLeaves(long leaves) {
        if (leaves < 1) throw new IllegalArgumentException("a sum tree needs at least one leaf, got " + leaves);
        this.leaves = leaves;
        this.top = 64 - Long.numberOfLeadingZeros(leaves - 1);
    }

    /** The value of a node without rows. */
    abstract V empty();

    abstract boolean isEmpty(V v);

    /** left + right (neither empty); may reuse either. */
    abstract V add(V left, V right);

    public long leaves() {
        return leaves;
    }

    /** Whether every leaf has been set. */
    public boolean complete() {
        return nodes.size() == 1 && nodes.containsKey(key(top, 0));
    }

    /** The root node, or null when every leaf is empty. */
    final V rootNode() {
        if (!complete()) throw new IllegalStateException("sum tree incomplete: " + nodes.size() + " partial nodes");
        V v = nodes.get(key(top, 0));
        return isEmpty(v) ? null : v;
    }

    /** Adds a final node given by its {@link #key}. */
    final void insert(long key, V value) {
        insert((int) (key >>> 56), key & ((1L << 56) - 1), value);
    }

    final void insert(int level, long index, V value) {
        V v = value;
        while (level < top) {
            long sibling = index ^ 1;
            V s;
            if ((sibling << level) >= leaves) {
                s = empty(); // padding beyond the last leaf
            } else {
                s = nodes.remove(key(level, sibling));
                if (s == null) break;
            }
            v = (index & 1) == 0 ? sum(v, s) : sum(s, v);
            index >>>= 1;
            level++;
        }
        if (nodes.putIfAbsent(key(level, index), v) != null) {
            throw new IllegalStateException("sum tree node (" + level + ", " + index + ") set twice");
        }
    }

    private V sum(V left, V right) {
        if (isEmpty(right)) return left;
        if (isEmpty(left)) return right;
        return add(left, right);
    }

    /** Checks that two trees are over the same leaves. */
    final void checkLeaves(FixedTree<?> other) {
        if (other.leaves != leaves) throw new IllegalArgumentException("sum trees of " + leaves + " and " + other.leaves + " leaves");
    }

    static long key(int level, long index) {
        return ((long) level << 56) | index;
    }

    /** Every final node of {@code from}, converted, into this tree ({@code from} is used up). */
    final <W> void takeNodes(FixedTree<W> from, java.util.function.Function<W, V> convert) {
        checkLeaves(from);
        for (Map.Entry<Long, W> e : from.nodes.entrySet()) insert(e.getKey(), convert.apply(e.getValue()));
        from.nodes.clear();
    }
}
