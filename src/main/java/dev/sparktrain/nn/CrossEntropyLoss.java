package dev.sparktrain.nn;

import dev.sparktrain.config.Options;

import java.util.Arrays;
import java.util.List;

/**
 * {@code torch.nn.CrossEntropyLoss} (1.13.1) on logits {@code [n, C]} with class-index targets.
 *
 * <p>Per row with target y, weights w (all 1 when absent) and smoothing ε, the loss term is
 * {@code Σ_c a_c·(-log p_c)} with {@code a_c = (1-ε)·w_y·[c=y] + (ε/C)·w_c}; the mean divides by
 * {@code Σ w_y} over the batch (n without weights). That is PyTorch's formula: its smoothing term
 * is weighted per class and divided by the same sum of target weights as the NLL term.
 * Gradient of a row: {@code A·p_j - a_j} with {@code A = Σ_c a_c}.
 *
 * <p>A row whose target is {@code ignore_index} (default -100) adds no loss, no gradient and
 * nothing to the normalizer — smoothing term included, as PyTorch masks it too; with every row
 * ignored the mean is 0/0 = NaN, as in PyTorch.
 */
public final class CrossEntropyLoss extends ClassIndexLoss {
    private static final long serialVersionUID = 1L;
    public static final List<String> OPTIONS = List.of("weight", "ignore_index", "label_smoothing", "reduction");

    private final double smoothing;
    private final double weightSum;     // Σ_c w_c, for the smoothing part of A

    public CrossEntropyLoss(Options o, int classes) {
        super(o, classes, OPTIONS);
        this.smoothing = o.getDouble("label_smoothing", 0.0);
        if (!(smoothing >= 0 && smoothing <= 1)) throw o.error("label_smoothing", "must be in [0, 1], got " + smoothing);
        double s = 0;
        for (int k = 0; k < classes; k++) s += w(k);
        this.weightSum = s;
    }

    @Override
    public String name() {
        return "CrossEntropyLoss";
    }

    /** Sample weight w_r multiplies row r's term (class weight included) and its gradient row (null: none). */
    @Override
    public double sumAndGradient(double[] out, int n, int c, double[] y, int yOff, double[] sw, int swOff, double[] dOut) {
        checkClasses(c);
        final double eps = smoothing;
        final double epsPerClass = eps / c;
        double total = 0;
        for (int r = 0; r < n; r++) {
            final int t = target(y, yOff, r);
            final int o = r * c;
            if (t < 0) {
                if (dOut != null) Arrays.fill(dOut, o, o + c, 0.0);
                continue;
            }
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) m = Math.max(m, out[o + j]);
            // exp(z - m) is kept in dOut (when asked for) so the gradient pass needs no second exp.
            double s = 0;
            for (int j = 0; j < c; j++) {
                double e = Math.exp(out[o + j] - m);
                if (dOut != null) dOut[o + j] = e;
                s += e;
            }
            final double logS = Math.log(s);
            final double wy = w(t);
            final double nllCoef = (1 - eps) * wy;
            // -log p_c = (m - z_c) + log s: both parts >= 0, so the weighted sum has no cancellation.
            double row = nllCoef * (m - out[o + t] + logS);
            if (eps != 0) {
                double smooth = 0;
                for (int j = 0; j < c; j++) smooth += w(j) * (m - out[o + j] + logS);
                row += epsPerClass * smooth;
            }
            final double wr = sw == null ? 1.0 : sw[swOff + r];
            total += sw == null ? row : wr * row;
            if (dOut != null) {
                final double a = nllCoef + epsPerClass * weightSum;
                final double aOverS = a / s;
                for (int j = 0; j < c; j++) dOut[o + j] = aOverS * dOut[o + j] - epsPerClass * w(j);
                dOut[o + t] -= nllCoef;
                if (sw != null) for (int j = 0; j < c; j++) dOut[o + j] *= wr;
            }
        }
        return total;
    }
}
