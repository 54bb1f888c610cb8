package dev.sparktrain.nn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FloatMath} against the JDK's exact-to-an-ulp exp and log1p, over their whole ranges. */
class FloatMathTest {
    @Test
    void expNegAbsWithin2e9RelativeWhileNormal() {
        double worst = 0;
        for (int i = 0; i <= 7_080_000; i++) {
            double x = i / 10_000.0;
            double exact = Math.exp(-x);
            worst = Math.max(worst, Math.abs(FloatMath.expNegAbs(x) - exact) / exact);
            worst = Math.max(worst, Math.abs(FloatMath.expNegAbs(-x) - exact) / exact);
            double tiny = Math.pow(10, -20 + 20.0 * i / 7_080_000);
            worst = Math.max(worst, Math.abs(FloatMath.expNegAbs(tiny) - Math.exp(-tiny)));
        }
        assertTrue(worst < 2e-9, "worst relative error " + worst);
        assertTrue(worst > 1e-14, "a polynomial, not the library call: " + worst);
        assertEquals(1.0, FloatMath.expNegAbs(0.0), 0.0);
        assertEquals(1.0, FloatMath.expNegAbs(-0.0), 0.0);
        assertTrue(FloatMath.expNegAbs(800) < 1e-320 && FloatMath.expNegAbs(Double.NEGATIVE_INFINITY) < 1e-320, "held at ~5e-324");
        assertTrue(Double.isNaN(FloatMath.expNegAbs(Double.NaN)));
    }

    @Test
    void log1pWithin1e9RelativeOnZeroToOne() {
        double worst = 0;
        for (int i = 1; i <= 1_000_000; i++) {
            double e = (double) i / 1_000_000;
            double tiny = Math.pow(10, -300.0 * i / 1_000_000);
            for (double v : new double[] {e, tiny}) {
                double exact = Math.log1p(v);
                worst = Math.max(worst, Math.abs(FloatMath.log1pUnit(v) - exact) / exact);
            }
        }
        assertTrue(worst < 1e-9, "worst relative error " + worst);
        assertTrue(worst > 1e-14, "a polynomial, not the library call: " + worst);
        assertEquals(0.0, FloatMath.log1pUnit(0.0), 0.0);
    }
}
