package dev.sparktrain.nn;

/**
 * The error function to about one part in 10^15 (Java has none; GELU needs it). Below 2.5 the
 * series {@code erf(a) = 2/√π·e^(−a²)·Σ (2a²)^n·a / (1·3·…·(2n+1))}, whose terms are all positive
 * (no cancellation); above it {@code 1 − erfc(a)} with erfc's continued fraction, which converges
 * fast there; beyond 6, erf is 1 in float64.
 */
final class Erf {
    private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
    private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;
    /** Depth of the continued fraction: 40 already gives full float64 precision for a ≥ 2.5. */
    private static final int DEPTH = 60;

    private Erf() {
    }

    static double erf(double x) {
        double a = Math.abs(x);
        double r;
        if (a < 2.5) r = series(a);
        else if (a < 6) r = 1 - erfcFraction(a);
        else r = a == a ? 1.0 : a; // NaN stays NaN
        return Math.copySign(r, x);
    }

    private static double series(double a) {
        double a2 = a * a;
        double term = a;
        double sum = a;
        for (int n = 1; term > sum * 1e-17; n++) {
            term *= 2 * a2 / (2 * n + 1);
            sum += term;
        }
        return TWO_OVER_SQRT_PI * Math.exp(-a2) * sum;
    }

    /** {@code erfc(a) = e^(−a²)/√π · 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + …))))}, evaluated from the bottom. */
    private static double erfcFraction(double a) {
        double f = a;
        for (int k = DEPTH; k >= 1; k--) f = a + (k / 2.0) / f;
        return ONE_OVER_SQRT_PI * Math.exp(-a * a) / f;
    }
}
