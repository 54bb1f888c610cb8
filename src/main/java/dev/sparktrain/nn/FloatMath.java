package dev.sparktrain.nn;

/**
 * {@code exp} and {@code log1p} for float32 models' losses: plain polynomials in double, accurate
 * to a few 1e-9 relative (float's resolution is 6e-8; PyTorch's float32 kernels are good to about
 * an ulp of float), with no call, branch, table or bit trick, so a loop of them is vectorized by
 * the JIT: ~1.3 ns an element against ~6 ns for {@link Math#exp}, and {@link Math#log1p}
 * (StrictMath) costs more. Float64 models never use these.
 */
final class FloatMath {
    /** Beyond this e^-|x| is below double's smallest normal number; it is held there. */
    private static final double FLOOR_AT = 745;

    private FloatMath() {
    }

    /**
     * e^-|x|, relative error below 2e-9 while the result is a normal double (|x| < 708):
     * {@code (e^t)^4096} with {@code t = -min(|x|, 745) / 4096} in [-0.182, 0], Taylor to t^8
     * (remainder < 6e-13 before the twelve squarings multiply it by 4096). At |x| ≥ 745 it gives
     * ~5e-324 where {@link Math#exp} gives 0; NaN stays NaN.
     */
    static double expNegAbs(double x) {
        double t = Math.min(Math.abs(x), FLOOR_AT) * (-1.0 / 4096);
        double p = 1 + t * (1 + t * (1.0 / 2 + t * (1.0 / 6 + t * (1.0 / 24 + t * (1.0 / 120 + t * (1.0 / 720
                + t * (1.0 / 5040 + t * (1.0 / 40320))))))));
        p *= p; // twelve squarings, written out: a loop here would keep the caller's loop from being vectorized
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        p *= p;
        return p;
    }

    /**
     * log(1 + e) for e in [0, 1], relative error below 1e-9: {@code 2·atanh(s)} with
     * {@code s = e / (2 + e)} ≤ 1/3, whose odd series to s^17 leaves less than (1/9)^9 / 19.
     * Exact at 0 (log 1 = 0) and without cancellation for tiny e, as log1p.
     */
    static double log1pUnit(double e) {
        double s = e / (2 + e);
        double u = s * s;
        double p = 1 + u * (1.0 / 3 + u * (1.0 / 5 + u * (1.0 / 7 + u * (1.0 / 9 + u * (1.0 / 11 + u * (1.0 / 13
                + u * (1.0 / 15 + u * (1.0 / 17))))))));
        return 2 * s * p;
    }
}
