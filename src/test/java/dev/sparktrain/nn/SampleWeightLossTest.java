package dev.sparktrain.nn;

import dev.sparktrain.config.Options;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Per-row sample weights in every loss: all-ones weights give the unweighted bits; a weighted
 * gradient row is w_r times the unweighted one exactly; the loss sum is Σ w_r·(row r's term) and
 * the normalizer Σ w_r·(row r's share), each row's term and share taken from the unweighted loss.
 */
class SampleWeightLossTest {
    private static final int N = 7;
    private static final int C = 3;

    private record Case(String name, Loss loss, double[] y) {
        int tw() {
            return loss.targetWidth(C);
        }
    }

    private static List<Case> cases() {
        Random r = new Random(5);
        double[] classes = new double[N];
        for (int i = 0; i < N; i++) classes[i] = r.nextInt(C);
        double[] real = new double[N * C];
        for (int i = 0; i < real.length; i++) real[i] = r.nextGaussian();
        double[] bits = new double[N * C];
        for (int i = 0; i < bits.length; i++) bits[i] = r.nextInt(2);
        double[] someIgnored = classes.clone();
        someIgnored[2] = -100;
        someIgnored[5] = -100;
        return List.of(
                new Case("CE", Losses.create("CrossEntropyLoss", new Options("t", Map.of()), C), classes),
                new Case("CE weight+smoothing+ignore_index", Losses.create("CrossEntropyLoss", new Options("t", Map.of(
                        "weight", List.of(0.5, 2.0, 1.25), "label_smoothing", 0.2, "ignore_index", -100)), C), someIgnored),
                new Case("NLL weight+ignore_index", Losses.create("NLLLoss", new Options("t", Map.of(
                        "weight", List.of(0.5, 2.0, 1.25))), C), someIgnored),
                new Case("L1", Losses.create("L1Loss", new Options("t", Map.of()), C), real),
                new Case("SmoothL1 beta", Losses.create("SmoothL1Loss", new Options("t", Map.of("beta", 0.7)), C), real),
                new Case("Huber delta", Losses.create("HuberLoss", new Options("t", Map.of("delta", 0.8)), C), real),
                new Case("CE weight+smoothing", Losses.create("CrossEntropyLoss", new Options("t", Map.of(
                        "weight", List.of(0.5, 2.0, 1.25), "label_smoothing", 0.2)), C), classes),
                new Case("MSE", Losses.create("MSELoss", new Options("t", Map.of()), C), real),
                new Case("BCE pos_weight+weight", Losses.create("BCEWithLogitsLoss", new Options("t", Map.of(
                        "pos_weight", List.of(3.0, 0.5, 1.0), "weight", List.of(1.0, 2.0, 0.25))), C), bits));
    }

    private static double[] logits() {
        Random r = new Random(9);
        double[] out = new double[N * C];
        for (int i = 0; i < out.length; i++) out[i] = 3 * r.nextGaussian();
        return out;
    }

    @Test
    void allOnesGiveTheUnweightedBits() {
        double[] out = logits();
        double[] ones = new double[N + 2];
        Arrays.fill(ones, 1.0);
        for (Case c : cases()) {
            double[] g = new double[N * C];
            double[] gw = new double[N * C];
            double s = c.loss.sumAndGradient(out, N, C, c.y, 0, g);
            double sw = c.loss.sumAndGradient(out, N, C, c.y, 0, ones, 2, gw);
            assertEquals(Double.doubleToRawLongBits(s), Double.doubleToRawLongBits(sw), c.name + " loss");
            assertArrayEquals(g, gw, 0.0, c.name + " gradient");
            assertEquals(Double.doubleToRawLongBits(c.loss.normalizer(N, C, c.y, 0)),
                    Double.doubleToRawLongBits(c.loss.normalizer(N, C, c.y, 0, ones, 2)), c.name + " normalizer");
            assertEquals(Double.doubleToRawLongBits(c.loss.sum(out, N, C, c.y, 0)),
                    Double.doubleToRawLongBits(c.loss.sumAndGradient(out, N, C, c.y, 0, ones, 0, null)), c.name + " sum only");
        }
    }

    @Test
    void weightsScaleEachRowsTermShareAndGradient() {
        double[] out = logits();
        double[] w = {2.0, 0.0, 0.5, 1.0, 7.25, 3.0, 0.125};
        for (Case c : cases()) {
            int tw = c.tw();
            double[] gw = new double[N * C];
            double sw = c.loss.sumAndGradient(out, N, C, c.y, 0, w, 0, gw);
            double expectSum = 0;
            double expectNorm = 0;
            for (int r = 0; r < N; r++) {
                double[] row = Arrays.copyOfRange(out, r * C, (r + 1) * C);
                double[] g = new double[C];
                double term = c.loss.sumAndGradient(row, 1, C, c.y, r * tw, g);
                expectSum += w[r] * term;
                expectNorm += w[r] * c.loss.normalizer(1, C, c.y, r * tw);
                for (int j = 0; j < C; j++) {
                    assertEquals(w[r] * g[j], gw[r * C + j], 0.0, c.name + " gradient row " + r);
                }
            }
            assertEquals(expectSum, sw, 1e-13 * Math.abs(expectSum), c.name + " loss");
            assertEquals(expectNorm, c.loss.normalizer(N, C, c.y, 0, w, 0), 1e-15 * expectNorm, c.name + " normalizer");
        }
    }

    @Test
    void crossEntropyNormalizerIsTheWeightedSumOfTargetClassWeights() {
        Loss ce = Losses.create("CrossEntropyLoss", new Options("t", Map.of("weight", List.of(0.5, 2.0, 4.0))), C);
        double[] y = {2, 0, 1, 1};
        double[] w = {1.5, 3.0, 0.0, 0.25};
        assertEquals(1.5 * 4.0 + 3.0 * 0.5 + 0.0 * 2.0 + 0.25 * 2.0, ce.normalizer(4, C, y, 0, w, 0));
        Loss mse = Losses.create("MSELoss", new Options("t", Map.of()), C);
        assertEquals(3 * (1.5 + 3.0 + 0.0 + 0.25), mse.normalizer(4, C, new double[12], 0, w, 0));
    }
}
