package dev.sparktrain.nn;

import dev.sparktrain.config.Options;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * reduction='sum' changes only what the driver divides by: for every registered loss the sums,
 * gradients and normalizers are the 'mean' loss's bits, and the divisor is 1 instead of the
 * normalizer (so the sum loss is exactly the mean times the normalizer when that is a power of 2).
 */
class LossReductionTest {
    private static final int N = 8;
    private static final int C = 4;

    private static Loss loss(String name, String reduction) {
        Map<String, Object> o = Map.of("reduction", reduction);
        return Losses.create(name, new Options("test", o), C);
    }

    private static double[] targets(Loss l, Random r) {
        double[] y = new double[N * l.targetWidth(C)];
        for (int i = 0; i < y.length; i++) {
            y[i] = l.targetWidth(C) == 1 ? r.nextInt(C) : l.task() == Loss.Task.BINARY ? r.nextInt(2) : r.nextGaussian();
        }
        return y;
    }

    @Test
    void sumIsTheMeanWithoutTheDivision() {
        for (String name : Losses.names()) {
            Loss mean = loss(name, "mean");
            Loss sum = loss(name, "SUM");
            assertEquals(Loss.Reduction.MEAN, mean.reduction(), name);
            assertEquals(Loss.Reduction.MEAN, Losses.create(name, Options.empty("test"), C).reduction(), name + " default");
            assertEquals(Loss.Reduction.SUM, sum.reduction(), name);
            Random r = new Random(name.hashCode());
            double[] out = r.doubles(N * C).map(v -> 4 * v - 2).toArray();
            double[] y = targets(mean, r);
            double[] gm = new double[N * C];
            double[] gs = new double[N * C];
            double lm = mean.sumAndGradient(out, N, C, y, 0, gm);
            double ls = sum.sumAndGradient(out, N, C, y, 0, gs);
            assertEquals(lm, ls, 0.0, name);
            assertArrayEquals(gm, gs, 0.0, name);
            double z = mean.normalizer(N, C, y, 0);
            assertEquals(z, sum.normalizer(N, C, y, 0), 0.0, name);
            assertEquals(z, mean.reduction().divisor(z), 0.0);
            assertEquals(1.0, sum.reduction().divisor(z), 0.0);
            if (mean.targetWidth(C) == C) {
                // rows × outputs = 32: dividing by it is exact, so sum = 32 × mean to the last bit
                assertEquals(N * C, z, 0.0, name);
                assertEquals(ls / sum.reduction().divisor(z), (lm / mean.reduction().divisor(z)) * (N * C), 0.0, name);
            }
        }
    }

    @Test
    void noneIsRefusedInOneLine() {
        for (String name : List.of("L1Loss", "NLLLoss", "BCEWithLogitsLoss")) {
            String m = org.junit.jupiter.api.Assertions.assertThrows(dev.sparktrain.SparkTrainException.class,
                    () -> loss(name, "none")).getMessage();
            assertTrue(m.contains("'reduction': expected one of mean, sum, got 'none'") && !m.contains("\n"), m);
        }
    }
}
