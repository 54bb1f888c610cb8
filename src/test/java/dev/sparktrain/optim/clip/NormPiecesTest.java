package dev.sparktrain.optim.clip;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Norms summed over fixed pieces: owners' partials of their slices, concatenated, give the whole
 * vector's norm bit for bit; clipping slice by slice is clipping the whole; tensors of at most
 * {@link NormPieces#BLOCK} values keep the sequential formula's bits (written out here).
 */
class NormPiecesTest {
    private static final int[] SIZES = {5, 150000, 0, 70000};
    private static final int D = 220005;
    private static final double[] PS = {1, 2, 3.5, Double.POSITIVE_INFINITY};

    @Test
    void piecesAreBlocksOfEachTensor() {
        NormPieces pieces = new NormPieces(SIZES);
        assertArrayEquals(new int[] {0, 5, 65541, 131077, 150005, 215541, 220005}, pieces.boundaries());
        assertEquals(D, pieces.size());
        assertArrayEquals(new int[] {0}, new NormPieces(new int[] {0, 0}).boundaries());
        assertThrows(IllegalArgumentException.class, () -> pieces.partials(new double[10], 5, 15, 2));
        assertThrows(IllegalArgumentException.class, () -> pieces.partials(new double[D + 1], 0, D + 1, 2));
    }

    /** Gradients with ordinary values, overflowing and underflowing sums, all-zero pieces, NaN and Inf. */
    private static List<double[]> gradients(int d, int[] sizes) {
        Random r = new Random(7);
        List<double[]> out = new ArrayList<>();
        out.add(r.doubles(d, -1, 1).toArray());
        double[] huge = r.doubles(d, -1, 1).toArray();
        for (int i = 0; i < d; i += 9973) huge[i] = (i % 2 == 0 ? 1e200 : -3e199);
        out.add(huge);
        double[] hugeAndZeros = huge.clone();
        Arrays.fill(hugeAndZeros, 5, Math.min(d, 5 + 70000), 0);   // zero pieces beside overflowing ones
        hugeAndZeros[Math.min(d - 1, 90000)] = 2e200;
        out.add(hugeAndZeros);
        double[] tiny = r.doubles(d, -1e-200, 1e-200).toArray();
        out.add(tiny);
        double[] mixed = tiny.clone();
        mixed[Math.min(sizes[0], d - 1)] = 0.5;                       // a tensor of tiny values beside an ordinary one
        out.add(mixed);
        double[] nan = out.get(0).clone();
        nan[d / 2] = Double.NaN;
        out.add(nan);
        double[] inf = out.get(0).clone();
        inf[d - 1] = Double.NEGATIVE_INFINITY;
        out.add(inf);
        out.add(new double[d]);
        return out;
    }

    /** Random shards on piece boundaries, with an empty one now and then. */
    private static int[] randomBounds(Random r, int[] boundaries) {
        TreeSet<Integer> b = new TreeSet<>(List.of(0, boundaries[boundaries.length - 1]));
        for (int i = 0; i < 3; i++) b.add(boundaries[r.nextInt(boundaries.length)]);
        List<Integer> l = new ArrayList<>(b);
        if (r.nextBoolean()) l.add(0, 0);
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The owners' partials of their slices, concatenated in order. */
    private static double[] shardedPartials(GradientClipper c, double[] g, int[] bounds) {
        double[] all = new double[0];
        for (int k = 0; k + 1 < bounds.length; k++) {
            double[] part = c.partials(Arrays.copyOfRange(g, bounds[k], bounds[k + 1]), bounds[k], bounds[k + 1]);
            int at = all.length;
            all = Arrays.copyOf(all, at + part.length);
            System.arraycopy(part, 0, all, at, part.length);
        }
        return all;
    }

    /** Clips every shard's slice with the driver's norm of the owners' partials. */
    private static double[] shardedClip(GradientClipper c, double[] g, int[] bounds) {
        double norm = c.norm(shardedPartials(c, g, bounds));
        double[] out = g.clone();
        for (int k = 0; k + 1 < bounds.length; k++) {
            double[] slice = Arrays.copyOfRange(g, bounds[k], bounds[k + 1]);
            c.clipSlice(slice, norm);
            System.arraycopy(slice, 0, out, bounds[k], slice.length);
        }
        return out;
    }

    private static void assertShardedIsWhole(GradientClipper c, double[] g, Random r, String what) {
        double[] clipped = g.clone();
        double norm = c.clip(clipped);
        for (int trial = 0; trial < 4; trial++) {
            int[] bounds = randomBounds(r, c.pieces().boundaries());
            String w = what + " shards " + Arrays.toString(bounds);
            assertEquals(Double.doubleToRawLongBits(norm), Double.doubleToRawLongBits(c.norm(shardedPartials(c, g, bounds))), w);
            assertBitsEqual(clipped, shardedClip(c, g, bounds), w);
        }
    }

    @Test
    void shardedNormAndClipAreTheWholeVectorsBitForBit() {
        Random r = new Random(14);
        List<double[]> grads = gradients(D, SIZES);
        for (double p : PS) {
            ClipGradNorm c = new ClipGradNorm(1.0, p, false, SIZES);
            for (int k = 0; k < grads.size(); k++) {
                double[] g = grads.get(k);
                assertEquals(Double.doubleToRawLongBits(c.totalNorm(g)), Double.doubleToRawLongBits(c.clip(g.clone())));
                assertShardedIsWhole(c, g, r, "p=" + p + " gradient " + k);
            }
        }
        ClipGradValue v = new ClipGradValue(0.5, SIZES);
        for (int k = 0; k < grads.size(); k++) assertShardedIsWhole(v, grads.get(k), r, "clip_value gradient " + k);
    }

    @Test
    void tensorsOfOneBlockKeepTheSequentialFormulasBits() {
        int[] sizes = {5, NormPieces.BLOCK, 300, 0, 1};
        int d = 5 + NormPieces.BLOCK + 301;
        for (double p : PS) {
            ClipGradNorm c = new ClipGradNorm(1.0, p, false, sizes);
            List<double[]> grads = gradients(d, sizes);
            for (int k = 0; k < grads.size(); k++) {
                double[] g = grads.get(k);
                double[] tensorNorms = new double[sizes.length];
                for (int t = 0, off = 0; t < sizes.length; off += sizes[t], t++) {
                    tensorNorms[t] = sequentialNorm(Arrays.copyOfRange(g, off, off + sizes[t]), p);
                }
                double expected = sequentialNorm(tensorNorms, p);
                assertEquals(Double.doubleToRawLongBits(expected), Double.doubleToRawLongBits(c.totalNorm(g)),
                        "p=" + p + " gradient " + k + ": " + expected + " vs " + c.totalNorm(g));
            }
        }
        // one tensor: the logged 2-norm is the plain sequential sqrt(Σx²)
        double[] g = gradients(NormPieces.BLOCK, new int[] {NormPieces.BLOCK}).get(0);
        double s = 0;
        for (double x : g) s += x * x;
        assertEquals(Math.sqrt(s), new NormPieces(new int[] {NormPieces.BLOCK}).norm2(g));
    }

    /** torch.norm in float64 (a plain sum), with the rescaled sum when that overflows or underflows to 0. */
    private static double sequentialNorm(double[] a, double p) {
        double max = 0;
        for (double x : a) {
            if (Double.isNaN(x) || Math.abs(x) > max) max = Math.abs(x);
            if (Double.isNaN(max)) break;
        }
        if (p == Double.POSITIVE_INFINITY) return max;
        double s = 0;
        for (double x : a) s += p == 2 ? x * x : p == 1 ? Math.abs(x) : Math.pow(Math.abs(x), p);
        if ((s > 0 && s < Double.POSITIVE_INFINITY) || Double.isNaN(s)) return p == 2 ? Math.sqrt(s) : p == 1 ? s : Math.pow(s, 1 / p);
        if (max == 0 || Double.isInfinite(max) || Double.isNaN(max)) return s == 0 ? max : s;
        double t = 0;
        for (double x : a) {
            double y = Math.abs(x) / max;
            t += p == 2 ? y * y : p == 1 ? y : Math.pow(y, p);
        }
        return max * (p == 2 ? Math.sqrt(t) : p == 1 ? t : Math.pow(t, 1 / p));
    }

    @Test
    void theFallbackAcrossPiecesIsTheNorm() {
        int n = 150000;
        for (double p : new double[] {2, 3.5}) {
            ClipGradNorm c = new ClipGradNorm(1.0, p, false, new int[] {n});
            double[] huge = new double[n];
            Arrays.fill(huge, 1e200);
            huge[n - 1] = 2e200;                       // the max in the last piece: the others are rescaled to it
            double root = Math.pow(n - 1 + Math.pow(2, p), 1 / p);
            assertEquals(1, c.totalNorm(huge) / (1e200 * root), 1e-12, "p=" + p);
            double[] tiny = new double[n];
            Arrays.fill(tiny, 1e-200);
            tiny[3] = -2e-200;
            assertEquals(1, c.totalNorm(tiny) / (1e-200 * root), 1e-12, "p=" + p);
        }
        double[] overflow = new double[D];
        overflow[7] = 3e200;                          // tensor 1, first piece
        overflow[140000] = 4e200;                     // tensor 1, third piece
        assertEquals(1, new ClipGradNorm(1.0, 2, false, SIZES).totalNorm(overflow) / 5e200, 1e-15);
    }

    @Test
    void clippingScalesOnlyAboveMaxNorm() {
        double[] g = new double[D];
        g[1] = 3;
        g[200000] = 4;
        ClipGradNorm c = new ClipGradNorm(10, 2, false, SIZES);
        double[] same = g.clone();
        assertEquals(5.0, c.clip(same));
        assertArrayEquals(g, same);
        c = new ClipGradNorm(1, 2, false, SIZES);
        assertEquals(5.0, c.clip(g));
        assertEquals(0.6, g[1], 1e-6);
        assertTrue(g[1] < 0.6);                        // max_norm / (5 + 1e-6)
    }

    private static void assertBitsEqual(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
                assertEquals(expected[i], actual[i], what + ": element " + i);
                throw new AssertionError(what + ": element " + i + " differs in its bits");
            }
        }
    }
}
