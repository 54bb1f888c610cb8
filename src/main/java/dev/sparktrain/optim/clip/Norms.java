package dev.sparktrain.optim.clip;

/**
 * p-norms the way {@code torch.norm} computes them in float64: a plain sum of {@code |x|^p}
 * (of {@code x²} for p = 2, of {@code |x|} for p = 1) raised to {@code 1/p}, and the maximum of
 * {@code |x|} for p = ∞. Only when that plain sum overflows (or underflows to 0 although some
 * element is not 0) is it recomputed scaled by the largest magnitude; there PyTorch would return
 * ∞ (and clip_grad_norm_ would zero every gradient) or 0, so the result differs only where
 * PyTorch's own is meaningless.
 *
 * <p>A norm may be taken over consecutive pieces ({@link NormPieces}): each piece's {@link #partial}
 * ({@link #WIDTH} numbers: plain sum, max |x|, sum of {@code (|x|/max)^p}), then {@link #combine}
 * of the pieces in order: the plain sums added, the fallback
 * {@code m·root(Σ_b scaled_b·(m_b/m)^p)} with {@code m = max_b m_b}. For one piece this is the
 * norm of the whole. A piece whose plain sum is safely inside the double range takes no part in an
 * overflow (2^15 such pieces add up to less than 2^1024) or in an underflow to 0, so its scaled
 * sum is taken as {@code sum/max^p} instead of a second pass.
 */
final class Norms {
    /** Numbers per piece: plain sum, max |x|, sum scaled by the max. */
    static final int WIDTH = 3;
    private static final double SAFE_LOW = 0x1p-900, SAFE_HIGH = 0x1p900;

    private Norms() {
    }

    static double norm(double[] a, int off, int len, double p) {
        double[] one = new double[WIDTH];
        partial(a, off, len, p, one, 0);
        return combine(one, 0, 1, p);
    }

    /** The piece a[off, off+len)'s partials into out[o, o+WIDTH); for p = ∞ only the max counts. */
    static void partial(double[] a, int off, int len, double p, double[] out, int o) {
        double max = maxAbs(a, off, len);
        out[o + 1] = max;
        if (p == Double.POSITIVE_INFINITY) {
            out[o] = max;
            out[o + 2] = 1;
            return;
        }
        double s = plainSum(a, off, len, p);
        out[o] = s;
        out[o + 2] = s >= SAFE_LOW && s <= SAFE_HIGH ? s / pow(max, p) : max == 0 ? 0 : scaledSum(a, off, len, max, p);
    }

    /** The norm over pieces [first, end) of {@code partials} (WIDTH per piece). */
    static double combine(double[] partials, int first, int end, double p) {
        double m = 0;
        for (int b = first; b < end; b++) {
            double v = partials[WIDTH * b + 1];
            if (!(v <= m)) m = v;               // lets NaN through, as maxAbs does
            if (Double.isNaN(m)) break;
        }
        if (p == Double.POSITIVE_INFINITY) return m;
        double s = 0;
        for (int b = first; b < end; b++) s += partials[WIDTH * b];
        if (s > 0 && s < Double.POSITIVE_INFINITY) return root(s, p);
        if (Double.isNaN(s)) return s;
        // 0 of a true zero vector, or ∞ because an element is ∞: nothing to rescale.
        if (m == 0 || m == Double.POSITIVE_INFINITY || Double.isNaN(m)) return s == 0 ? m : s;
        double t = 0;
        for (int b = first; b < end; b++) t += partials[WIDTH * b + 2] * pow(partials[WIDTH * b + 1] / m, p);
        return m * root(t, p);
    }

    /** The sum of {@code (|x|/m)^p}: the fallback's sum, rescaled by the largest magnitude {@code m}. */
    private static double scaledSum(double[] a, int off, int len, double m, double p) {
        double t = 0;
        for (int i = off; i < off + len; i++) t += pow(Math.abs(a[i]) / m, p);
        return t;
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

    private static double maxAbs(double[] a, int off, int len) {
        double m = 0;
        for (int i = off; i < off + len; i++) {
            double v = Math.abs(a[i]);
            if (!(v <= m)) m = v;               // also lets NaN through, as torch's max does
            if (Double.isNaN(m)) return m;
        }
        return m;
    }
}
