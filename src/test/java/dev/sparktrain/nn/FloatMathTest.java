package dev.sparktrain.nn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link FloatMath} against the JDK's exact-to-an-ulp log1p, over its whole range. */
class FloatMathTest {
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
