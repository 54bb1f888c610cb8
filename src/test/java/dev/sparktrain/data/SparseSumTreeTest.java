package dev.sparktrain.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The sparse sum tree against the dense {@link SumTree} bit for bit, where the dense leaves are
 * +0.0 at every index a sparse leaf does not hold: -0.0 on one side, one-sided and absent
 * indices, empty leaves and leaves holding rows but no index.
 */
class SparseSumTreeTest {
    private static final int D = 7;

    /** A sparse leaf: ascending indices and their values (null values: no rows). */
    private record Leaf(int[] index, double[] value) {
        double[] dense() {
            if (value == null) return null;
            double[] d = new double[D];
            for (int i = 0; i < index.length; i++) d[index[i]] = value[i];
            return d;
        }
    }

    private static Leaf leaf(int[] index, double... value) {
        return new Leaf(index, value);
    }

    private static long[] bits(double[] v) {
        return v == null ? null : Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    private static double[] dense(Leaf... leaves) {
        SumTree t = new SumTree(leaves.length);
        for (int i = 0; i < leaves.length; i++) t.put(i, leaves[i].dense());
        return t.root();
    }

    private static double[] sparse(Leaf... leaves) {
        SparseSumTree t = new SparseSumTree(leaves.length);
        for (int i = 0; i < leaves.length; i++) t.put(i, leaves[i].index, leaves[i].value);
        return t.root(D);
    }

    private static void assertSameBits(Leaf... leaves) {
        assertArrayEquals(bits(dense(leaves)), bits(sparse(leaves)));
    }

    @Test
    void negativeZeroOnOneSideBecomesPositiveZeroAsInTheDenseAdd() {
        Leaf negZero = leaf(new int[] {1}, -0.0);
        Leaf other = leaf(new int[] {2}, 1.5);
        assertSameBits(negZero, other);
        assertSameBits(other, negZero);
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(sparse(negZero, other)[1]), "-0.0 + 0.0 = +0.0");
        // both sides -0.0: stays -0.0
        assertSameBits(negZero, leaf(new int[] {1}, -0.0));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(sparse(negZero, leaf(new int[] {1}, -0.0))[1]));
    }

    @Test
    void aLeafWithRowsButNoIndexIsAZeroVectorNotAnEmptyLeaf() {
        Leaf negZero = leaf(new int[] {1, 4}, -0.0, -3.0);
        Leaf noIndex = leaf(new int[0]);
        Leaf noRows = new Leaf(new int[0], null);
        assertSameBits(negZero, noIndex);
        assertSameBits(negZero, noRows);
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(sparse(negZero, noIndex)[1]));
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(sparse(negZero, noRows)[1]), "an empty leaf is skipped");
        // alone, a leaf is the root as it is
        assertSameBits(negZero, noRows, noRows);
        assertNull(sparse(noRows, noRows, noRows));
        assertArrayEquals(bits(new double[D]), bits(sparse(noIndex, noRows)));
    }

    /** Random sparse leaves (with -0.0 values, empty leaves and leaves without indices), any split into partial trees, any merge order. */
    @Test
    void anySplitAndMergeOrderGivesTheDenseTreesBits() {
        for (int n : new int[] {1, 2, 3, 5, 8, 13, 64, 100}) {
            Random r = new Random(n * 7919L);
            Leaf[] leaves = new Leaf[n];
            for (int i = 0; i < n; i++) leaves[i] = random(r);
            long[] expected = bits(dense(leaves));
            for (int trial = 0; trial < 10; trial++) {
                List<SparseSumTree> parts = new ArrayList<>();
                for (int a = 0; a < n; ) {
                    int b = Math.min(n, a + 1 + r.nextInt(Math.max(1, n / 3)));
                    SparseSumTree t = new SparseSumTree(n);
                    for (int i = a; i < b; i++) t.put(i, leaves[i].index, leaves[i].value);
                    parts.add(t);
                    a = b;
                }
                Collections.shuffle(parts, r);
                SparseSumTree all = parts.remove(0);
                for (SparseSumTree p : parts) all.takeNodes(p, v -> v);
                assertArrayEquals(expected, bits(all.root(D)), "n=" + n + " trial " + trial);
            }
        }
    }

    /**
     * The sharded step's path: dense partial trees (exactly +0.0 outside each part's indices) cut
     * to values only ({@link SumTree#picked}) and merged by a sparse tree that knows each part's
     * indices: the dense root's slice, bit for bit.
     */
    @Test
    void pickedValuesMergedWithTheirIndicesGiveTheDenseRootsSlice() {
        int n = 40;
        Random r = new Random(5);
        int[][] partIndex = {{0, 3, 6}, {1, 3}, {}, {0, 1, 2, 3, 4, 5, 6}};
        int[] runs = {0, 9, 17, 30, n};
        SumTree whole = new SumTree(n);
        List<SumTree> parts = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            SumTree t = new SumTree(n);
            for (int i = runs[p]; i < runs[p + 1]; i++) {
                double[] v = r.nextInt(5) == 0 ? null : new double[D];
                if (v != null) for (int j : partIndex[p]) v[j] = r.nextInt(4) == 0 ? -0.0 : r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4);
                whole.put(i, v == null ? null : v.clone());
                t.put(i, v);
            }
            parts.add(t);
        }
        SparseSumTree sparse = new SparseSumTree(n);
        for (int p : new int[] {2, 0, 3, 1}) sparse.merge(parts.get(p).picked(new int[][] {partIndex[p]})[0], partIndex[p]);
        assertArrayEquals(bits(whole.root()), bits(sparse.root(D)));
    }

    private static Leaf random(Random r) {
        if (r.nextInt(6) == 0) return new Leaf(new int[0], null);
        List<Integer> idx = new ArrayList<>();
        for (int j = 0; j < D; j++) if (r.nextInt(3) == 0) idx.add(j);
        double[] v = new double[idx.size()];
        for (int i = 0; i < v.length; i++) {
            int kind = r.nextInt(6);
            v[i] = kind == 0 ? -0.0 : kind == 1 ? 0.0 : r.nextGaussian() * Math.pow(10, r.nextInt(17) - 8);
        }
        return new Leaf(idx.stream().mapToInt(Integer::intValue).toArray(), v);
    }
}
