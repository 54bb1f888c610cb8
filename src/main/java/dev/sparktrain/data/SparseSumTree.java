package dev.sparktrain.data;

import java.util.Arrays;

/**
 * A {@link SumTree} whose vectors are sparse: each node holds values at ascending indices, an
 * index absent from a non-empty node standing for +0.0. Nodes are added in the same fixed tree
 * order, and the add of two nodes is the dense add restricted to the union of their indices:
 * an index on both sides is {@code l + r}, on one side only {@code v + 0.0} (so -0.0 becomes
 * +0.0, as the dense add makes it), on neither +0.0. So {@link #root} has the bits of the dense
 * tree's root whenever the dense leaves are exactly +0.0 wherever the sparse ones hold no index
 * — as a CSR first layer's gradient is at the columns a partition's rows never touch.
 *
 * <p>The sharded step's owners merge with these: a partition sends a {@link SumTree} of values
 * only ({@link SumTree#picked}); the owner knows the partition's indices.
 */
public final class SparseSumTree extends FixedTree<SparseSumTree.Vector> {
    /** Values at ascending indices; the empty node (no rows) is {@link #NONE}, distinct from a node with no indices. */
    record Vector(int[] index, double[] value) {
    }

    private static final Vector NONE = new Vector(new int[0], new double[0]);

    public SparseSumTree(long leaves) {
        super(leaves);
    }

    /** Sets leaf {@code leaf} to the values at {@code index} (ascending); null values: no rows there. */
    public void put(long leaf, int[] index, double[] values) {
        insert(0, leaf, values == null ? NONE : vector(index, values));
    }

    /**
     * Adds the nodes of a tree of values only, each node's values being at {@code index}
     * (ascending; an empty node stays empty). {@code values} is used up.
     */
    public void merge(SumTree values, int[] index) {
        takeNodes(values, v -> v.length == 0 ? NONE : vector(index, v));
    }

    /** The sum of all leaves as a dense vector of {@code length} (+0.0 at absent indices), or null when every leaf is empty. */
    public double[] root(int length) {
        Vector v = rootNode();
        if (v == null) return null;
        double[] dense = new double[length];
        for (int i = 0; i < v.index.length; i++) dense[v.index[i]] = v.value[i];
        return dense;
    }

    private static Vector vector(int[] index, double[] values) {
        if (index.length != values.length) {
            throw new IllegalArgumentException(values.length + " values at " + index.length + " indices");
        }
        return new Vector(index, values);
    }

    @Override
    Vector empty() {
        return NONE;
    }

    @Override
    boolean isEmpty(Vector v) {
        return v == NONE;
    }

    /** The dense add over the union of the indices (a new vector: the sides may share index arrays). */
    @Override
    Vector add(Vector left, Vector right) {
        int[] li = left.index, ri = right.index;
        double[] lv = left.value, rv = right.value;
        if (Arrays.equals(li, ri)) {
            double[] s = new double[lv.length];
            for (int i = 0; i < s.length; i++) s[i] = lv[i] + rv[i];
            return new Vector(li, s);
        }
        int[] idx = new int[li.length + ri.length];
        double[] val = new double[idx.length];
        int a = 0, b = 0, n = 0;
        while (a < li.length || b < ri.length) {
            if (b == ri.length || (a < li.length && li[a] < ri[b])) {
                idx[n] = li[a];
                val[n++] = lv[a++] + 0.0;
            } else if (a == li.length || ri[b] < li[a]) {
                idx[n] = ri[b];
                val[n++] = 0.0 + rv[b++];
            } else {
                idx[n] = li[a];
                val[n++] = lv[a++] + rv[b++];
            }
        }
        return new Vector(Arrays.copyOf(idx, n), Arrays.copyOf(val, n));
    }
}
