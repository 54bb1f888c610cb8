package dev.sparktrain.golden;

import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;

import java.util.Arrays;
import java.util.Map;

import static dev.sparktrain.golden.Golden.assertClose;

/**
 * kind = "loss": loss = sum / divisor and gradient = dSum / divisor (the divisor: the normalizer for
 * reduction 'mean', 1 for 'sum'), whole batch and split.
 */
final class LossCases {
    private static final double RTOL = 1e-9;
    private static final double ATOL = 1e-12;

    private LossCases() {
    }

    static void run(Map<String, Object> c) {
        String id = String.valueOf(c.get("id"));
        int[] shape = Golden.ints(c.get("input_shape"));
        int n = shape[0];
        int cols = shape[1];
        double[] x = Golden.doubles(c.get("input"));
        double[] y = Golden.doubles(c.get("target"));
        Loss loss = Losses.create(String.valueOf(c.get("loss")), Golden.options(c.get("options"), id), cols);
        double expectedLoss = Golden.num(c.get("expected_loss"));
        double[] expectedGrad = Golden.doubles(c.get("expected_grad"));

        // Whole batch.
        double[] grad = new double[n * cols];
        double sum = loss.sumAndGradient(x, n, cols, y, 0, grad);
        double norm = loss.reduction().divisor(loss.normalizer(n, cols, y, 0));
        assertClose(expectedLoss, sum / norm, RTOL, ATOL, id + " loss");
        assertClose(expectedLoss, loss.sum(x, n, cols, y, 0) / norm, RTOL, ATOL, id + " loss (sum only)");
        assertClose(expectedGrad, scale(grad, 1 / norm), RTOL, ATOL, id + " grad");

        // As Spark partitions do: slices add their sums and normalizers, the driver divides once.
        int tw = loss.targetWidth(cols);
        for (int k = 1; k < n; k += Math.max(1, n / 3)) {
            double[] g1 = new double[k * cols];
            double[] g2 = new double[(n - k) * cols];
            double s = loss.sumAndGradient(Arrays.copyOfRange(x, 0, k * cols), k, cols, y, 0, g1)
                    + loss.sumAndGradient(Arrays.copyOfRange(x, k * cols, n * cols), n - k, cols, y, k * tw, g2);
            double z = loss.reduction().divisor(loss.normalizer(k, cols, y, 0) + loss.normalizer(n - k, cols, y, k * tw));
            double[] g = new double[n * cols];
            System.arraycopy(g1, 0, g, 0, g1.length);
            System.arraycopy(g2, 0, g, g1.length, g2.length);
            assertClose(expectedLoss, s / z, RTOL, ATOL, id + " loss split at row " + k);
            assertClose(expectedGrad, scale(g, 1 / z), RTOL, ATOL, id + " grad split at row " + k);
        }
    }

    private static double[] scale(double[] a, double f) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) r[i] = a[i] * f;
        return r;
    }
}
