package dev.sparktrain.nn;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code Linear(bias=False)} is a Linear whose bias is zero and never moves: dense and CSR (a
 * sparse first layer) alike, for one output (the matrix-vector path) and several.
 */
class LinearNoBiasTest {

    @Test
    void sameNumbersAsAZeroBiasDenseAndSparse() {
        for (int out : new int[] {1, 4}) {
            int in = 7;
            int n = 5;
            Random rng = new Random(out);
            Linear with = new Linear(in, out);
            Linear without = new Linear(in, out, false);
            assertEquals(in * out, without.paramCount());
            double[] w = new double[in * out];
            for (int i = 0; i < w.length; i++) w[i] = rng.nextGaussian();
            double[] pWith = Arrays.copyOf(w, in * out + out); // bias zeros
            double[] x = new double[n * in];
            for (int i = 0; i < x.length; i += 2) x[i] = rng.nextGaussian(); // half zeros: a sparse row
            double[] dY = new double[n * out];
            for (int i = 0; i < dY.length; i++) dY[i] = rng.nextGaussian();

            double[] yWith = new double[n * out];
            double[] yWithout = new double[n * out];
            Arrays.fill(yWithout, Double.NaN); // forward must not read what is there
            with.forward(pWith, 0, x, 0, n, yWith);
            without.forward(w, 0, x, 0, n, yWithout);
            assertArrayEquals(yWith, yWithout, 0.0);

            double[] gWith = new double[pWith.length];
            double[] gWithout = new double[w.length];
            double[] dxWith = new double[n * in];
            double[] dxWithout = new double[n * in];
            with.backward(pWith, 0, x, 0, yWith, dY, n, gWith, dxWith);
            without.backward(w, 0, x, 0, yWithout, dY, n, gWithout, dxWithout);
            assertArrayEquals(Arrays.copyOf(gWith, w.length), gWithout, 0.0);
            assertArrayEquals(dxWith, dxWithout, 0.0);

            int[] ptr = new int[n + 1];
            int[] idx = new int[x.length];
            double[] val = new double[x.length];
            int k = 0;
            for (int r = 0; r < n; r++) {
                for (int j = 0; j < in; j++) {
                    if (x[r * in + j] != 0) {
                        idx[k] = j;
                        val[k++] = x[r * in + j];
                    }
                }
                ptr[r + 1] = k;
            }
            double[] yCsr = new double[n * out];
            Arrays.fill(yCsr, Double.NaN);
            without.forwardCsr(w, 0, ptr, idx, val, 0, n, yCsr);
            assertArrayEquals(yWithout, yCsr, 1e-12);
            double[] gCsr = new double[w.length];
            without.backwardCsr(0, ptr, idx, val, 0, n, dY, gCsr);
            assertArrayEquals(gWithout, gCsr, 1e-12);
        }
    }
}
