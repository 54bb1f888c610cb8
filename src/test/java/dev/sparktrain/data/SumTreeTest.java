package dev.sparktrain.data;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sum tree: one fixed shape whoever fills which leaves, in whatever order trees merge. */
class SumTreeTest {
    private static final int D = 5;

    /** Leaves with values of very different magnitudes, so that any other order rounds differently. */
    private static double[][] leaves(int n, long seed, double emptyShare) {
        Random r = new Random(seed);
        double[][] v = new double[n][];
        for (int i = 0; i < n; i++) {
            if (r.nextDouble() < emptyShare) continue;
            v[i] = new double[D];
            for (int j = 0; j < D; j++) v[i][j] = r.nextGaussian() * Math.pow(10, r.nextInt(17) - 8);
        }
        return v;
    }

    /** The definition: node = left + right over [lo, lo + 2^level), empty children skipped. */
    private static double[] reference(double[][] v, long lo, int level) {
        if (lo >= v.length) return null;
        if (level == 0) return v[(int) lo] == null ? null : v[(int) lo].clone();
        double[] l = reference(v, lo, level - 1);
        double[] r = reference(v, lo + (1L << (level - 1)), level - 1);
        if (l == null) return r;
        if (r == null) return l;
        for (int j = 0; j < D; j++) l[j] += r[j];
        return l;
    }

    private static double[] copy(double[] a) {
        return a == null ? null : a.clone();
    }

    @Test
    void anySplitIntoRunsAndAnyMergeOrderGivesTheDefinitionsBits() {
        for (int n : new int[] {1, 2, 3, 7, 8, 33, 100, 257}) {
            double[][] v = leaves(n, n, 0.2);
            int top = 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1));
            double[] expected = reference(v, 0, top);
            Random r = new Random(n * 31L);
            for (int trial = 0; trial < 20; trial++) {
                List<SumTree> parts = new ArrayList<>();
                int a = 0;
                while (a < n) {
                    int b = Math.min(n, a + 1 + r.nextInt(Math.max(1, n / 3)));
                    SumTree t = new SumTree(n);
                    List<Integer> order = new ArrayList<>();
                    for (int i = a; i < b; i++) order.add(i);
                    Collections.shuffle(order, r);
                    for (int i : order) t.put(i, copy(v[i]));
                    parts.add(t);
                    a = b;
                }
                Collections.shuffle(parts, r);
                while (parts.size() > 1) { // merge random pairs, like reduce tasks in any arrival order
                    SumTree x = parts.remove(r.nextInt(parts.size()));
                    SumTree y = parts.remove(r.nextInt(parts.size()));
                    x.merge(y);
                    parts.add(x);
                }
                assertTrue(parts.get(0).complete());
                double[] root = parts.get(0).root();
                if (expected == null) assertNull(root);
                else assertArrayEquals(expected, root, "n=" + n + " trial " + trial);
            }
        }
    }

    @Test
    void emptyRunsCountAsEmptyLeaves() {
        double[][] v = leaves(50, 3, 0.5);
        SumTree withEmpties = new SumTree(50);
        int a = 0;
        while (a < 50) {
            if (v[a] == null) {
                int b = a;
                while (b < 50 && v[b] == null) b++;
                withEmpties.putEmpty(a, b);
                a = b;
            } else {
                withEmpties.put(a, copy(v[a]));
                a++;
            }
        }
        assertArrayEquals(reference(v, 0, 6), withEmpties.root());
    }

    @Test
    void aPartialTreeSendsFewVectors() {
        SumTree t = new SumTree(1 << 12);
        for (int i = 1024; i < 2048; i++) t.put(i, new double[] {1});
        assertEquals(1, t.vectors(), "an aligned run of leaves is one node");
        SumTree u = new SumTree(1 << 12);
        for (int i = 1000; i < 3000; i++) u.put(i, new double[] {1});
        assertTrue(u.vectors() <= 2 * 12, "a run's maximal nodes: " + u.vectors());
        assertFalse(u.complete());
        assertThrows(IllegalStateException.class, u::root);
    }

    /** Partial trees travel as task results: after a serialization round trip they merge to the same bits. */
    @Test
    void partialTreesSurviveSerialization() throws Exception {
        int n = 37;
        double[][] v = leaves(n, 11, 0.3);
        SumTree whole = new SumTree(n);
        for (int i = 0; i < n; i++) whole.put(i, i >= 13 && i < 20 ? null : copy(v[i]));
        SumTree left = new SumTree(n);
        SumTree right = new SumTree(n);
        for (int i = 0; i < 13; i++) left.put(i, copy(v[i]));
        right.putEmpty(13, 20);
        for (int i = 20; i < n; i++) right.put(i, copy(v[i]));
        SumTree merged = roundTrip(right);
        merged.merge(roundTrip(left));
        assertArrayEquals(whole.root(), merged.root());
        assertEquals(0, roundTrip(new SumTree(3)).vectors());
    }

    private static SumTree roundTrip(SumTree t) throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(t);
        }
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            return (SumTree) in.readObject();
        }
    }

    @Test
    void aLeafSetTwiceIsAnError() {
        SumTree t = new SumTree(4);
        t.put(1, new double[] {1});
        assertThrows(IllegalStateException.class, () -> t.put(1, new double[] {2}));
    }
}
