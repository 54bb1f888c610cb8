package dev.sparktrain.nn;

import dev.sparktrain.config.Options;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The float32 models' BCEWithLogitsLoss ({@link Loss#forFloat32()}): the same gradient bit for bit
 * (only the branch went), and a loss within ~1e-16 absolute per term of the exact one — far below
 * float resolution of any term a float32 model sums.
 */
class BCEWithLogitsFloat32Test {
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
        double[] special = {0.0, -0.0, 1e-300, -1e-300, 40, -40, 800, -800, 1e-9, -1e-9};
        for (int i = 0; i < out.length; i++) {
            out[i] = i < special.length ? special[i] : r.nextGaussian() * Math.pow(10, r.nextInt(4) - 1);
            y[i] = r.nextInt(2);
        }
        double[] g1 = new double[out.length];
        double[] g2 = new double[out.length];
        double l1 = exact.sumAndGradient(out, n, 2, y, 0, g1);
        double l2 = fast.sumAndGradient(out, n, 2, y, 0, g2);
        assertArrayEquals(g1, g2, 0.0, "gradient: the exact form's bits");
        assertEquals(l1, l2, 2 * n * 2.5 * 1.2e-16, "loss: within ~1e-16 per term (times its weight)");
        Loss one = Losses.create("BCEWithLogitsLoss", Options.empty("l"), 1);
        double worst = 0;
        for (int i = 0; i < out.length; i++) { // term by term, against float resolution of the term
            double[] x = {out[i]};
            double[] t = {y[i]};
            double a = one.sumAndGradient(x, 1, 1, t, 0, null);
            double b = one.forFloat32().sumAndGradient(x, 1, 1, t, 0, null);
            worst = Math.max(worst, Math.abs(a - b));
            assertEquals(a, b, Math.max(3e-16, Math.ulp((float) a)), "term " + i + " at x = " + out[i]);
        }
        assertTrue(worst > 0, "the float form is a different formula, so some term differs");
    }

    @Test
    void otherLossesAreTheirOwnFloat32Form() {
        Loss ce = Losses.create("CrossEntropyLoss", Options.empty("l"), 3);
        assertSame(ce, ce.forFloat32());
    }
}
