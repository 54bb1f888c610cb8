package dev.sparktrain.nn;

import dev.sparktrain.config.Options;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The float32 models' BCEWithLogitsLoss ({@link Loss#forFloat32()}): each gradient element and loss
 * term within a few 1e-9 relative of the exact form's ({@link FloatMath}; float resolution is
 * 6e-8), where the exact exp has not underflowed — and different, so the float form is what runs.
 */
class BCEWithLogitsFloat32Test {
    private static final double REL = 5e-9;
    /** Past |x| = 745 the exact e^-|x| is 0 and the float form's ~5e-324. */
    private static final double ABS = 1e-300;

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
        int differ = 0;
        for (int i = 0; i < out.length; i++) {
            assertEquals(g1[i], g2[i], REL * Math.abs(g1[i]) + ABS, "gradient " + i + " at x = " + out[i]);
            if (g1[i] != g2[i]) differ++;
        }
        assertTrue(differ > out.length / 10, "the float form is another formula: " + differ + " gradients differ");
        assertEquals(l1, l2, REL * Math.abs(l1), "loss sum");
        Loss one = Losses.create("BCEWithLogitsLoss", Options.empty("l"), 1);
        for (int i = 0; i < out.length; i++) { // term by term
            double[] x = {out[i]};
            double[] t = {y[i]};
            double a = one.sumAndGradient(x, 1, 1, t, 0, null);
            double b = one.forFloat32().sumAndGradient(x, 1, 1, t, 0, null);
            assertEquals(a, b, REL * Math.abs(a) + ABS, "term " + i + " at x = " + out[i]);
        }
    }

    @Test
    void otherLossesAreTheirOwnFloat32Form() {
        Loss ce = Losses.create("CrossEntropyLoss", Options.empty("l"), 3);
        assertSame(ce, ce.forFloat32());
    }
}
