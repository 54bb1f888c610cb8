package dev.sparktrain.nn;

import dev.sparktrain.config.Options;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Invariant: the analytic gradient of the sum agrees with central finite differences. */
class LossGradientTest {
    private static final int N = 5;
    private static final int C = 4;

    private static void check(Loss loss, double[] y, long seed, double scale) {
        Random r = new Random(seed);
        double[] x = new double[N * C];
        for (int i = 0; i < x.length; i++) x[i] = scale * r.nextGaussian();
        double[] g = new double[x.length];
        double s = loss.sumAndGradient(x, N, C, y, 0, g);
        assertEquals(s, loss.sum(x, N, C, y, 0), 1e-12 * Math.abs(s));
        double h = 1e-5;
        for (int i = 0; i < x.length; i++) {
            double keep = x[i];
            x[i] = keep + h;
            double up = loss.sum(x, N, C, y, 0);
            x[i] = keep - h;
            double down = loss.sum(x, N, C, y, 0);
            x[i] = keep;
            double fd = (up - down) / (2 * h);
            assertEquals(fd, g[i], 1e-6 * Math.max(1, Math.abs(fd)), loss.name() + " d/dx[" + i + "] seed " + seed);
        }
    }

    private static Loss loss(String name, Map<String, Object> o) {
        return Losses.create(name, new Options("test", o), C);
    }

    @Test
    void crossEntropy() {
        double[] y = {0, 3, 1, 3, 2};
        for (long seed = 1; seed <= 3; seed++) {
            check(loss("CrossEntropyLoss", Map.of()), y, seed, 1);
            check(loss("CrossEntropyLoss", Map.of("label_smoothing", 0.2)), y, seed, 3);
            check(loss("CrossEntropyLoss", Map.of("weight", List.of(1.0, 2.0, 0.5, 0.0), "label_smoothing", 0.35)), y, seed, 2);
        }
    }

    @Test
    void crossEntropyAndNllWithIgnoredRows() {
        double[] y = {0, -100, 1, 3, -100};
        for (long seed = 1; seed <= 3; seed++) {
            check(loss("CrossEntropyLoss", Map.of("weight", List.of(1.0, 2.0, 0.5, 3.0), "label_smoothing", 0.3)), y, seed, 2);
            check(loss("NLLLoss", Map.of()), y, seed, 1);
            check(loss("NLLLoss", Map.of("weight", List.of(1.0, 2.0, 0.5, 3.0), "ignore_index", 3, "reduction", "sum")),
                    new double[] {0, 3, 1, 2, 3}, seed, 1);
        }
    }

    /** Gaussian inputs against other Gaussians: no element sits within the step h of a kink (fixed seeds). */
    @Test
    void elementwiseRegressionLosses() {
        double[] y = new Random(9).doubles(N * C).map(v -> 2 * v - 1).toArray();
        for (long seed = 1; seed <= 3; seed++) {
            check(loss("L1Loss", Map.of()), y, seed, 2);
            check(loss("SmoothL1Loss", Map.of()), y, seed, 1);
            check(loss("SmoothL1Loss", Map.of("beta", 0.3, "reduction", "sum")), y, seed, 1);
            check(loss("HuberLoss", Map.of()), y, seed, 1);
            check(loss("HuberLoss", Map.of("delta", 0.4)), y, seed, 2);
        }
    }

    @Test
    void mse() {
        double[] y = new Random(9).doubles(N * C).toArray();
        for (long seed = 1; seed <= 3; seed++) check(loss("MSELoss", Map.of()), y, seed, 2);
    }

    @Test
    void bceWithLogits() {
        Random r = new Random(7);
        double[] hard = new double[N * C];
        double[] soft = new double[N * C];
        for (int i = 0; i < hard.length; i++) {
            hard[i] = r.nextBoolean() ? 1 : 0;
            soft[i] = r.nextDouble();
        }
        Loss plain = loss("BCEWithLogitsLoss", Map.of());
        Loss weighted = loss("BCEWithLogitsLoss", Map.of("pos_weight", List.of(2.0, 0.5, 3.0, 1.0), "weight", List.of(1.0, 0.3, 2.0, 0.0)));
        for (long seed = 1; seed <= 3; seed++) {
            check(plain, hard, seed, 3);
            check(weighted, hard, seed, 3);
            check(weighted, soft, seed, 8);
        }
    }
}
