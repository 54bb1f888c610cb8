package dev.sparktrain.nn;

/**
 * {@code log1p} for float32 models' losses: a plain polynomial in double, accurate to ~1e-9
 * relative (float's resolution is 6e-8; PyTorch's float32 kernels are good to about an ulp of
 * float), with no call, branch or table, so a loop of it is vectorized by the JIT.
 * {@link Math#log1p} (StrictMath, exact to an ulp of double) costs as much as a float32 logistic
 * row's arithmetic. Float64 models never use this.
 */
final class FloatMath {
    private FloatMath() {
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
