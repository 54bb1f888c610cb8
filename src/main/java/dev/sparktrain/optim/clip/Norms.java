package dev.sparktrain.optim.clip;

/**
 * p-norms the way {@code torch.norm} computes them in float64: a plain sum of {@code |x|^p}
 * (of {@code x²} for p = 2, of {@code |x|} for p = 1) raised to {@code 1/p}, and the maximum of
 * {@code |x|} for p = ∞. Only when that plain sum overflows (or underflows to 0 although some
 * element is not 0) is it recomputed scaled by the largest magnitude; there PyTorch would return
 * ∞ (and clip_grad_norm_ would zero every gradient) or 0, so the result differs only where
 * PyTorch's own is meaningless.
 */
final class Norms {
    private Norms() {
    }

    static double norm(double[] a, int off, int len, double p) {
        if (p == Double.POSITIVE_INFINITY) return maxAbs(a, off, len);
        double s = plainSum(a, off, len, p);
        if (s > 0 && s < Double.POSITIVE_INFINITY) return root(s, p);
        if (Double.isNaN(s)) return s;
        double m = maxAbs(a, off, len);
        // 0 of a true zero vector, or ∞ because an element is ∞: nothing to rescale.
        if (m == 0 || m == Double.POSITIVE_INFINITY || Double.isNaN(m)) return s == 0 ? m : s;
        double t = 0;
        for (int i = off; i < off + len; i++) t += pow(Math.abs(a[i]) / m, p);
        return m * root(t, p);
    }

    private static double plainSum(double[] a, int off, int len, double p) {
        double s = 0;
        if (p == 2) {
            for (int i = off; i < off + len; i++) s += a[i] * a[i];
        } else if (p == 1) {
            for (int i = off; i < off + len; i++) s += Math.abs(a[i]);
        } else {
            for (int i = off; i < off + len; i++) s += Math.pow(Math.abs(a[i]), p);
        }
        return s;
    }

    private static double pow(double x, double p) {
        return p == 2 ? x * x : p == 1 ? x : Math.pow(x, p);
    }

    private static double root(double s, double p) {
        return p == 2 ? Math.sqrt(s) : p == 1 ? s : Math.pow(s, 1 / p);
    }

    static double maxAbs(double[] a, int off, int len) {
        double m = 0;
        for (int i = off; i < off + len; i++) {
            double v = Math.abs(a[i]);
            if (!(v <= m)) m = v;               // also lets NaN through, as torch's max does
            if (Double.isNaN(m)) return m;
        }
        return m;
    }
}
