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
    /** The float32 model's form ({@link #forFloat32()}): float-accurate, without StrictMath's log1p or a branch per row. */
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
     * For float32 models: {@code log(1 + e)} (an intrinsic) instead of {@code log1p(e)} (StrictMath,
     * half of a float32 logistic kernel's time), off by at most ~1e-16 absolute — below float
     * resolution unless a term is itself below ~1e-9; and σ(x) picked by the sign of x without a
     * branch (a random sign mispredicts on half the rows): the gradient is the exact form's, bit for bit.
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
        double total = 0;
        for (int r = 0, i = 0; r < n; r++) {
            final double wr = sw == null ? 1.0 : sw[swOff + r];
            for (int j = 0; j < c; j++, i++) {
                final double x = out[i];
                final double t = y[yOff + i];
                final double pw = posWeight == null ? 1.0 : posWeight[j];
                final double w = weight == null ? 1.0 : weight[j];
                final double e = Math.exp(-Math.abs(x));         // in (0, 1]: never overflows
                final double tail = floatAccurate ? Math.log(1 + e) : Math.log1p(e);
                final double spPos = Math.max(x, 0) + tail;       // softplus(x)  = -log σ(-x)
                final double spNeg = Math.max(-x, 0) + tail;      // softplus(-x) = -log σ(x)
                final double term = w * ((1 - t) * spPos + pw * t * spNeg);
                total += sw == null ? term : wr * term;
                if (dOut != null) {
                    final double big = 1 / (1 + e);               // σ(|x|)
                    final double small = e * big;                 // σ(-|x|)
                    final double sig;
                    final double sigNeg;
                    if (floatAccurate) {                          // the same pick by a mask from x's sign bit
                        final long neg = Double.doubleToRawLongBits(x) >> 63;
                        final long b = Double.doubleToRawLongBits(big);
                        final long s = Double.doubleToRawLongBits(small);
                        sig = Double.longBitsToDouble((b & ~neg) | (s & neg));
                        sigNeg = Double.longBitsToDouble((s & ~neg) | (b & neg));
                    } else {
                        sig = x >= 0 ? big : small;               // σ(x)
                        sigNeg = x >= 0 ? small : big;            // σ(-x)
                    }
                    final double g = w * ((1 - t) * sig - pw * t * sigNeg);
                    dOut[i] = sw == null ? g : wr * g;
                }
            }
        }
        return total;
    }
}
