package dev.sparktrain.nn;

import dev.sparktrain.config.Options;

import java.util.List;

/**
 * {@code torch.nn.BCEWithLogitsLoss} (1.13.1): per element, with pos_weight P and weight w of
 * the column (1 when absent), {@code w·[(1-y)·softplus(x) + P·y·softplus(-x)]}; the mean
 * divides by n × C (weights do not change the denominator, as in PyTorch).
 *
 * <p>Written with both softplus sides sharing {@code log1p(exp(-|x|))} — algebraically PyTorch's
 * {@code (1-y)x + (1+(P-1)y)·softplus(-x)} but without its cancellation at large |x|; the
 * gradient {@code w·[(1-y)·σ(x) - P·y·σ(-x)]} likewise avoids {@code σ(x) - 1}.
 * Targets may be soft (any value); PyTorch does not check them either.
 */
public final class BCEWithLogitsLoss implements Loss {
    private static final long serialVersionUID = 1L;
    public static final List<String> OPTIONS = List.of("pos_weight", "weight", "reduction");

    private final double[] posWeight;   // null = all ones
    private final double[] weight;      // null = all ones
    private final Reduction reduction;
    /** The float32 model's form ({@link #forFloat32()}): float-accurate polynomials, no branch per row. */
    private final boolean floatAccurate;

    public BCEWithLogitsLoss(Options o, int outputs) {
        o.requireOnly(OPTIONS);
        this.reduction = LossSupport.reduction(o);
        LossSupport.requireOutputs(name(), outputs);
        this.posWeight = LossSupport.nonNegativeList(o, "pos_weight", outputs, "output column");
        this.weight = LossSupport.nonNegativeList(o, "weight", outputs, "output column");
        this.floatAccurate = false;
    }

    private BCEWithLogitsLoss(BCEWithLogitsLoss exact) {
        this.reduction = exact.reduction;
        this.posWeight = exact.posWeight;
        this.weight = exact.weight;
        this.floatAccurate = true;
    }

    /**
     * For float32 models: {@code exp} and {@code log1p} by {@link FloatMath}'s polynomials (good to
     * a few 1e-9 relative, far below float's 6e-8; the library calls were over a third of a float32
     * logistic kernel's time), in vectorized passes, and σ(x) picked by the sign of x without a
     * branch (a random sign mispredicts on half the rows).
     */
    @Override
    public Loss forFloat32() {
        return floatAccurate ? this : new BCEWithLogitsLoss(this);
    }

    @Override
    public Reduction reduction() {
        return reduction;
    }

    @Override
    public String name() {
        return "BCEWithLogitsLoss";
    }

    @Override
    public Task task() {
        return Task.BINARY;
    }

    @Override
    public double sumAndGradient(double[] out, int n, int c, double[] y, int yOff, double[] dOut) {
        return sumAndGradient(out, n, c, y, yOff, null, 0, dOut);
    }

    /** Sample weight w_r multiplies row r's terms and gradient (null: no multiplication). */
    @Override
    public double sumAndGradient(double[] out, int n, int c, double[] y, int yOff, double[] sw, int swOff, double[] dOut) {
        LossSupport.checkWidth(name(), posWeight, c);
        LossSupport.checkWidth(name(), weight, c);
        if (floatAccurate) return floatForm(out, n, c, y, yOff, sw, swOff, dOut);
        double total = 0;
        for (int r = 0, i = 0; r < n; r++) {
            final double wr = sw == null ? 1.0 : sw[swOff + r];
            for (int j = 0; j < c; j++, i++) {
                final double x = out[i];
                final double t = y[yOff + i];
                final double pw = posWeight == null ? 1.0 : posWeight[j];
                final double w = weight == null ? 1.0 : weight[j];
                final double e = Math.exp(-Math.abs(x));         // in (0, 1]: never overflows
                final double tail = Math.log1p(e);
                final double spPos = Math.max(x, 0) + tail;       // softplus(x)  = -log σ(-x)
                final double spNeg = Math.max(-x, 0) + tail;      // softplus(-x) = -log σ(x)
                final double term = w * ((1 - t) * spPos + pw * t * spNeg);
                total += sw == null ? term : wr * term;
                if (dOut != null) {
                    final double big = 1 / (1 + e);               // σ(|x|)
                    final double small = e * big;                 // σ(-|x|)
                    final double sig = x >= 0 ? big : small;      // σ(x)
                    final double sigNeg = x >= 0 ? small : big;   // σ(-x)
                    final double g = w * ((1 - t) * sig - pw * t * sigNeg);
                    dOut[i] = sw == null ? g : wr * g;
                }
            }
        }
        return total;
    }

    /** Scratch of the float form: e, log(1 + e) and 1/(1 + e) per element. */
    private static final ThreadLocal<double[][]> SCRATCH = ThreadLocal.withInitial(() -> new double[3][0]);

    /**
     * The same terms and gradient as above, in passes over the chunk: e^-|x| and log1p by
     * {@link FloatMath}'s polynomials, and σ(|x|), each a loop of plain arithmetic the JIT
     * vectorizes; then the terms, with σ(x) picked by x's sign bit, not a branch (a random sign
     * mispredicts on half the rows). Within a few 1e-9 relative of the exact form, at a third of
     * its time.
     */
    private double floatForm(double[] out, int n, int c, double[] y, int yOff, double[] sw, int swOff, double[] dOut) {
        int len = n * c;
        double[][] scratch = SCRATCH.get();
        if (scratch[0].length < len) for (int k = 0; k < 3; k++) scratch[k] = new double[len];
        final double[] e = scratch[0];
        final double[] tail = scratch[1];
        final double[] big = scratch[2];
        for (int i = 0; i < len; i++) e[i] = FloatMath.expNegAbs(out[i]); // in (0, 1]: never overflows
        for (int i = 0; i < len; i++) tail[i] = FloatMath.log1pUnit(e[i]);
        if (dOut != null) for (int i = 0; i < len; i++) big[i] = 1 / (1 + e[i]); // σ(|x|)
        double total = 0;
        for (int r = 0, i = 0; r < n; r++) {
            final double wr = sw == null ? 1.0 : sw[swOff + r];
            for (int j = 0; j < c; j++, i++) {
                final double x = out[i];
                final double t = y[yOff + i];
                final double pw = posWeight == null ? 1.0 : posWeight[j];
                final double w = weight == null ? 1.0 : weight[j];
                final double term = w * ((1 - t) * (Math.max(x, 0) + tail[i]) + pw * t * (Math.max(-x, 0) + tail[i]));
                total += sw == null ? term : wr * term;
                if (dOut != null) {
                    final long neg = Double.doubleToRawLongBits(x) >> 63; // all ones when x < 0 (or -0.0)
                    final long b = Double.doubleToRawLongBits(big[i]);
                    final long s = Double.doubleToRawLongBits(e[i] * big[i]); // σ(-|x|)
                    final double sig = Double.longBitsToDouble((b & ~neg) | (s & neg));
                    final double sigNeg = Double.longBitsToDouble((s & ~neg) | (b & neg));
                    final double g = w * ((1 - t) * sig - pw * t * sigNeg);
                    dOut[i] = sw == null ? g : wr * g;
                }
            }
        }
        return total;
    }
}
