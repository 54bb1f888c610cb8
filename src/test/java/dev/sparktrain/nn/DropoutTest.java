package dev.sparktrain.nn;

import dev.sparktrain.config.Options;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dropout's masks: the kept fraction and scale, what they depend on, and eval mode. */
class DropoutTest {
    static final int UNITS = 16;

    static double[] ones(int n) {
        double[] x = new double[n * UNITS];
        Arrays.fill(x, 1.0);
        return x;
    }

    static long[] ids(long first, int n) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) ids[i] = first + i;
        return ids;
    }

    static double[] train(Dropout d, long key, long[] ids, double[] x) {
        int n = ids.length;
        double[] y = new double[n * UNITS];
        Pass pass = Pass.training(key, ids);
        pass.at(0);
        d.forward(null, 0, x, 0, n, y, pass);
        return y;
    }

    @Test
    void keepsOneMinusPOfTheUnitsScaledByOneOverOneMinusP() {
        double p = 0.3;
        int n = 20_000;
        double[] y = train(new Dropout(p, UNITS), 42, ids(1_000_000, n), ones(n));
        long kept = Arrays.stream(y).filter(v -> v != 0).count();
        for (double v : y) assertTrue(v == 0 || v == 1 / (1 - p), "a kept unit is scaled by 1/(1-p): " + v);
        double frac = kept / (double) y.length;
        double sigma = Math.sqrt(p * (1 - p) / y.length); // binomial: ~0.0008 here
        assertEquals(1 - p, frac, 5 * sigma, "kept fraction");
        assertEquals(1.0, Arrays.stream(y).average().orElseThrow(), 5 * sigma / (1 - p), "the expectation is the input");
        // units are not correlated along a row or across rows: each unit's own kept fraction is near 1-p as well
        for (int j = 0; j < UNITS; j++) {
            int k = 0;
            for (int r = 0; r < n; r++) if (y[r * UNITS + j] != 0) k++;
            assertEquals(1 - p, k / (double) n, 5 * Math.sqrt(p * (1 - p) / n), "unit " + j);
        }
    }

    @Test
    void aRowsMaskDependsOnTheStepKeyAndItsGlobalIndexOnly() {
        Dropout d = new Dropout(0.5, UNITS);
        double[] x = ones(4);
        double[] a = train(d, 7, new long[] {10, 11, 12, 13}, x);
        double[] b = train(d, 7, new long[] {12, 99, 10, 5}, x); // rows 10 and 12 elsewhere in the chunk
        assertArrayEquals(Arrays.copyOfRange(a, 0, UNITS), Arrays.copyOfRange(b, 2 * UNITS, 3 * UNITS));
        assertArrayEquals(Arrays.copyOfRange(a, 2 * UNITS, 3 * UNITS), Arrays.copyOfRange(b, 0, UNITS));
        assertFalse(Arrays.equals(a, train(d, 8, new long[] {10, 11, 12, 13}, x)), "another step draws other masks");
        assertFalse(Arrays.equals(Arrays.copyOfRange(a, 0, UNITS), Arrays.copyOfRange(a, UNITS, 2 * UNITS)),
                "neighbouring rows draw other masks");
    }

    @Test
    void backwardUsesTheForwardMask() {
        Dropout d = new Dropout(0.4, UNITS);
        long[] ids = ids(5, 50);
        double[] x = new double[50 * UNITS];
        for (int i = 0; i < x.length; i++) x[i] = i % 7 - 3; // zeros among the inputs: the mask is not read off y
        double[] y = train(d, 3, ids, x);
        double[] dy = new double[x.length];
        Arrays.fill(dy, 2.0);
        double[] dx = new double[x.length];
        Pass pass = Pass.training(3, ids);
        pass.at(0);
        d.backward(null, 0, x, 0, y, dy, 50, null, dx, pass);
        double[] unit = train(d, 3, ids, ones(50)); // the mask times the scale
        for (int i = 0; i < x.length; i++) {
            assertEquals(2.0 * unit[i], dx[i], 0.0, "dX = dY · mask / (1-p) at " + i);
            assertEquals(x[i] * unit[i], y[i], 0.0, "y = x · mask / (1-p) at " + i);
        }
    }

    @Test
    void evalModeAndPZeroAreTheIdentity() {
        double[] x = new double[3 * UNITS];
        for (int i = 0; i < x.length; i++) x[i] = Math.sin(i) * 1e-3;
        double[] y = new double[x.length];
        new Dropout(0.9, UNITS).forward(null, 0, x, 0, 3, y, Pass.EVAL);
        assertArrayEquals(x, y, 0.0);
        assertArrayEquals(x, train(new Dropout(0.0, UNITS), 1, ids(0, 3), x), 0.0);
        assertTrue(Arrays.stream(train(new Dropout(1.0, UNITS), 1, ids(0, 3), x)).allMatch(v -> v == 0), "p = 1 drops all");
        assertThrows(IllegalArgumentException.class, () -> new Dropout(1.5, UNITS));
        assertThrows(IllegalArgumentException.class, () -> new Dropout(Double.NaN, UNITS));
    }

    static Sequential mlp(double p) {
        return new Sequential(List.of(new Linear(5, 6), new Activation(Activation.Kind.RELU, 6), new Dropout(p, 6), new Linear(6, 3)));
    }

    static final int ROWS = 40;
    static final double[] X = new double[ROWS * 5];
    static final double[] Y = new double[ROWS];

    static {
        for (int i = 0; i < X.length; i++) X[i] = Math.sin(0.7 * i + 1);
        for (int r = 0; r < ROWS; r++) Y[r] = r % 3;
    }

    static double[] trainSums(Sequential m, double[] params, long key) {
        BatchKernel k = new BatchKernel(m, Losses.create("CrossEntropyLoss", Options.empty("loss"), 3));
        double[] sums = new double[k.sumsLength()];
        k.accumulate(params, X, Y, null, 0, ROWS, sums, Pass.training(key, ids(300, ROWS)));
        return sums;
    }

    @Test
    void validationAndPredictionRunInEvalMode() {
        Sequential with = mlp(0.5);
        Sequential without = new Sequential(List.of(new Linear(5, 6), new Activation(Activation.Kind.RELU, 6), new Linear(6, 3)));
        double[] params = with.initParams(3);
        Loss loss = Losses.create("CrossEntropyLoss", Options.empty("loss"), 3);
        double[] a = new double[BatchKernel.STATS];
        double[] b = new double[BatchKernel.STATS];
        new BatchKernel(with, loss).evaluate(params, X, Y, 0, ROWS, a);
        new BatchKernel(without, loss).evaluate(params, X, Y, 0, ROWS, b);
        assertArrayEquals(b, a, 0.0, "evaluate: dropout is the identity");
        assertArrayEquals(new BatchKernel(without, loss).forward(params, X, 0, ROWS),
                new BatchKernel(with, loss).forward(params, X, 0, ROWS), 0.0, "forward (predict, transform): eval mode");
        assertFalse(Arrays.equals(trainSums(with, params, 9), trainSums(without, params, 9)), "a training pass drops units");
    }

    @Test
    void trainingGradientMatchesFiniteDifferencesUnderTheSameMasks() {
        Sequential m = mlp(0.4);
        double[] params = m.initParams(11);
        double[] sums = trainSums(m, params, 5);
        int d = m.paramCount();
        double h = 1e-6;
        for (int i = 0; i < d; i++) {
            double[] up = params.clone();
            double[] down = params.clone();
            up[i] += h;
            down[i] -= h;
            double numeric = (trainSums(m, up, 5)[d + BatchKernel.LOSS] - trainSums(m, down, 5)[d + BatchKernel.LOSS]) / (2 * h);
            assertEquals(numeric, sums[i], 1e-6 * Math.max(1, Math.abs(numeric)), "d loss / d param " + i);
        }
    }
}
