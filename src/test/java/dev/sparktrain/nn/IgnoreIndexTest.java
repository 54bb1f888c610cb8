package dev.sparktrain.nn;

import dev.sparktrain.config.Options;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rows whose target is ignore_index add nothing: the loss's sum, normalizer and gradient are the
 * bits of the same batch with those rows dropped, their gradient rows are zero, and the kernel
 * counts them in neither rows nor correct predictions (its parameter gradient: to rounding, see below).
 */
class IgnoreIndexTest {
    private static final int C = 3;
    private static final double[] Y = {2, -1, 0, 1, -1, -1, 2, 1, 0};   // -1 = ignore_index below
    private static final int N = Y.length;

    private static List<Loss> losses() {
        return List.of(
                Losses.create("CrossEntropyLoss", new Options("t", Map.of("ignore_index", -1)), C),
                Losses.create("CrossEntropyLoss", new Options("t", Map.of("ignore_index", -1, "weight", List.of(0.5, 2.0, 1.5),
                        "label_smoothing", 0.15)), C),
                Losses.create("CrossEntropyLoss", new Options("t", Map.of("ignore_index", -1, "reduction", "sum")), C),
                Losses.create("NLLLoss", new Options("t", Map.of("ignore_index", -1, "weight", List.of(0.5, 2.0, 1.5))), C));
    }

    private static double[] logits(int rows, long seed) {
        return new Random(seed).doubles(rows * C).map(v -> 6 * v - 3).toArray();
    }

    /** The rows of {@code a} (width w) whose target is kept. */
    private static double[] kept(double[] a, int w) {
        double[] out = new double[a.length];
        int k = 0;
        for (int r = 0; r < N; r++) {
            if (Y[r] == -1) continue;
            System.arraycopy(a, r * w, out, k * w, w);
            k++;
        }
        return Arrays.copyOf(out, k * w);
    }

    @Test
    void ignoredRowsAreBitForBitDroppedRows() {
        double[] out = logits(N, 3);
        double[] w = new Random(4).doubles(N).map(v -> 2 * v).toArray();
        double[] keptOut = kept(out, C);
        double[] keptY = kept(Y, 1);
        double[] keptW = kept(w, 1);
        int m = keptY.length;
        for (Loss l : losses()) {
            assertTrue(l.ignores(-1) && !l.ignores(0) && !l.ignores(-100), l.name());
            double[] g = new double[N * C];
            double[] gk = new double[m * C];
            assertEquals(l.sumAndGradient(keptOut, m, C, keptY, 0, gk), l.sumAndGradient(out, N, C, Y, 0, g), 0.0, l.name());
            assertArrayEquals(gk, kept(g, C), 0.0, l.name());
            for (int r = 0; r < N; r++) {
                if (Y[r] == -1) for (int j = 0; j < C; j++) assertEquals(0.0, g[r * C + j], 0.0, l.name() + " row " + r);
            }
            assertEquals(l.normalizer(m, C, keptY, 0), l.normalizer(N, C, Y, 0), 0.0, l.name());
            assertEquals(l.sum(keptOut, m, C, keptY, 0), l.sum(out, N, C, Y, 0), 0.0, l.name());
            // with sample weights too
            assertEquals(l.sumAndGradient(keptOut, m, C, keptY, 0, keptW, 0, gk), l.sumAndGradient(out, N, C, Y, 0, w, 0, g),
                    0.0, l.name());
            assertArrayEquals(gk, kept(g, C), 0.0, l.name());
            assertEquals(l.normalizer(m, C, keptY, 0, keptW, 0), l.normalizer(N, C, Y, 0, w, 0), 0.0, l.name());
        }
    }

    @Test
    void everyRowIgnoredIsZeroOverZero() {
        Loss ce = losses().get(0);
        double[] y = {-1, -1};
        assertEquals(0.0, ce.sum(logits(2, 5), 2, C, y, 0), 0.0);
        assertEquals(0.0, ce.normalizer(2, C, y, 0), 0.0);
        assertTrue(Double.isNaN(ce.sum(logits(2, 5), 2, C, y, 0) / ce.normalizer(2, C, y, 0)), "PyTorch's mean is nan");
    }

    @Test
    void theKernelCountsIgnoredRowsInNeitherRowsNorAccuracy() {
        Sequential model = Sequential.parse("linear(2,5), tanh, linear(5,3)", "test");
        double[] params = model.initParams(7);
        double[] x = new Random(8).doubles(N * 2).map(v -> 2 * v - 1).toArray();
        for (Loss l : losses()) {
            BatchKernel all = new BatchKernel(model, l);
            double[] s = new double[all.sumsLength()];
            all.accumulate(params, x, Y, 0, N, s);
            double[] sk = new double[all.sumsLength()];
            new BatchKernel(model, l).accumulate(params, kept(x, 2), kept(Y, 1), 0, kept(Y, 1).length, sk);
            // The loss, normalizer, rows and correct count are the dropped batch's bits. The gradient's
            // ignored rows are exact zeros, but the matrix product groups a different number of rows
            // (BLAS blocking), so its sums may round differently in the last bit.
            int d = model.paramCount();
            assertArrayEquals(Arrays.copyOfRange(sk, d, sk.length), Arrays.copyOfRange(s, d, s.length), 0.0, l.name() + " stats");
            for (int i = 0; i < d; i++) assertEquals(sk[i], s[i], 1e-15 * Math.max(1, Math.abs(sk[i])), l.name() + " grad " + i);
            assertEquals(6.0, s[BatchKernel.stat(s, BatchKernel.ROWS)], 0.0);
            double[] e = new double[all.sumsLength()];
            all.evaluate(params, x, Y, 0, N, e);
            assertEquals(s[BatchKernel.stat(s, BatchKernel.CORRECT)], e[BatchKernel.stat(e, BatchKernel.CORRECT)], 0.0);
        }
        // ignore_index inside [0, C): rows of that class are left out, even when predicted right
        Loss skipClass0 = Losses.create("CrossEntropyLoss", new Options("t", Map.of("ignore_index", 0)), C);
        BatchKernel k = new BatchKernel(model, skipClass0);
        double[] y = {0, 0, 0};
        double[] s = new double[k.sumsLength()];
        k.evaluate(params, Arrays.copyOf(x, 6), y, 0, 3, s);
        assertEquals(0.0, s[BatchKernel.stat(s, BatchKernel.ROWS)], 0.0);
        assertEquals(0.0, s[BatchKernel.stat(s, BatchKernel.CORRECT)], 0.0);
        assertFalse(skipClass0.ignores(-100));
    }
}
