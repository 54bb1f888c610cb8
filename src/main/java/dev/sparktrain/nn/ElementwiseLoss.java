package dev.sparktrain.nn;

/**
 * A regression loss whose term depends on one element's difference {@code d = x - y} alone
 * (L1Loss, SmoothL1Loss, HuberLoss): the sums and gradients over rows are written once here, the
 * subclass gives the term and its derivative. The normalizer is n × C (PyTorch's 'mean').
 */
abstract class ElementwiseLoss implements Loss {
    private static final long serialVersionUID = 1L;

    private final Reduction reduction;

    ElementwiseLoss(Reduction reduction) {
        this.reduction = reduction;
    }

    /** The loss term of one element with difference {@code d = input - target}. */
    abstract double term(double d);

    /** d term / d input at difference {@code d}, as PyTorch's backward computes it. */
    abstract double slope(double d);

    @Override
    public final Reduction reduction() {
        return reduction;
    }

    @Override
    public final Task task() {
        return Task.REGRESSION;
    }

    @Override
    public final double sumAndGradient(double[] out, int n, int c, double[] y, int yOff, double[] dOut) {
        final int len = n * c;
        double s = 0;
        for (int i = 0; i < len; i++) {
            double d = out[i] - y[yOff + i];
            s += term(d);
            if (dOut != null) dOut[i] = slope(d);
        }
        return s;
    }

    /** Row r's terms and gradient times w_r (w_r = 1 gives the unweighted bits). */
    @Override
    public final double sumAndGradient(double[] out, int n, int c, double[] y, int yOff, double[] w, int wOff, double[] dOut) {
        double s = 0;
        for (int r = 0, i = 0; r < n; r++) {
            final double wr = w[wOff + r];
            for (int j = 0; j < c; j++, i++) {
                double d = out[i] - y[yOff + i];
                s += wr * term(d);
                if (dOut != null) dOut[i] = wr * slope(d);
            }
        }
        return s;
    }
}
