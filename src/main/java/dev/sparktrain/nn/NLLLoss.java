package dev.sparktrain.nn;

import dev.sparktrain.config.Options;

import java.util.Arrays;
import java.util.List;

/**
 * {@code torch.nn.NLLLoss} (1.13.1) on log-probabilities {@code [n, C]} (a {@code LogSoftmax}
 * layer's output) with class-index targets: row r with target y adds {@code -w_y·x[r, y]}; the
 * mean divides by {@code Σ w_y} over the rows not ignored (their count without weights). A row
 * whose target is {@code ignore_index} (default -100) adds nothing; with every row ignored the
 * mean is 0/0 = NaN, as in PyTorch. The input is not checked to be log-probabilities (PyTorch
 * does not check either).
 */
public final class NLLLoss extends ClassIndexLoss {
    private static final long serialVersionUID = 1L;
    public static final List<String> OPTIONS = List.of("weight", "ignore_index", "reduction");

    public NLLLoss(Options o, int classes) {
        super(o, classes, OPTIONS);
    }

    @Override
    public String name() {
        return "NLLLoss";
    }

    /** Sample weight w_r multiplies row r's term and gradient row (null: none). */
    @Override
    public double sumAndGradient(double[] out, int n, int c, double[] y, int yOff, double[] sw, int swOff, double[] dOut) {
        checkClasses(c);
        if (dOut != null) Arrays.fill(dOut, 0, n * c, 0.0);
        double total = 0;
        for (int r = 0; r < n; r++) {
            final int t = target(y, yOff, r);
            if (t < 0) continue;
            final double coef = sw == null ? w(t) : sw[swOff + r] * w(t);
            total += -coef * out[r * c + t];
            if (dOut != null) dOut[r * c + t] = -coef;
        }
        return total;
    }
}
