package dev.sparktrain.nn;

import dev.sparktrain.config.Options;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The float32 models' BCEWithLogitsLoss ({@link Loss#forFloat32()}): the exact form's gradient bit
 * for bit (the same exp and σ, in other loops), and each loss term within ~1e-9 relative of the
 * exact one ({@link FloatMath#log1pUnit}; float resolution is 6e-8) — and different, so the float
 * form is what runs.
 */
class BCEWithLogitsFloat32Test {
    private static final double REL = 2e-9;

    @Test
    void sameGradientBitsAndTheLossToFloatAccuracy() {
        Loss exact = Losses.create("BCEWithLogitsLoss", new Options("l", java.util.Map.of("pos_weight", "[2.5, 0.5]")), 2);
        Loss fast = exact.forFloat32();
        assertNotSame(exact, fast);
        assertSame(fast, fast.forFloat32());
        int n = 4000;
        double[] out = new double[2 * n];
        double[] y = new double[2 * n];
        Random r = new Random(9);
        double[] special = {0.0, -0.0, 1e-300, -1e-300, 40, -40, 800, -800, 1e-9, -1e-9, 36.7, -36.7, 745.2, -745.2};
        for (int i = 0; i < out.length; i++) {
            out[i] = i < special.length ? special[i] : r.nextGaussian() * Math.pow(10, r.nextInt(4) - 1);
            y[i] = r.nextInt(2);
        }
        double[] g1 = new double[out.length];
        double[] g2 = new double[out.length];
        double l1 = exact.sumAndGradient(out, n, 2, y, 0, g1);
        double l2 = fast.sumAndGradient(out, n, 2, y, 0, g2);
        assertArrayEquals(g1, g2, 0.0, "gradient: the exact form's bits");
        assertEquals(l1, l2, REL * Math.abs(l1), "loss sum");
        assertNotEquals(l1, l2, "the float form computes log1p another way");
        Loss one = Losses.create("BCEWithLogitsLoss", Options.empty("l"), 1);
        for (int i = 0; i < out.length; i++) { // term by term
            double[] x = {out[i]};
            double[] t = {y[i]};
            double a = one.sumAndGradient(x, 1, 1, t, 0, null);
            double b = one.forFloat32().sumAndGradient(x, 1, 1, t, 0, null);
            assertEquals(a, b, REL * Math.abs(a), "term " + i + " at x = " + out[i]);
        }
    }

    @Test
    void otherLossesAreTheirOwnFloat32Form() {
        Loss ce = Losses.create("CrossEntropyLoss", Options.empty("l"), 3);
        assertSame(ce, ce.forFloat32());
    }
}
