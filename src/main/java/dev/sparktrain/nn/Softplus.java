package dev.sparktrain.nn;

/**
 * {@code torch.nn.Softplus(beta, threshold)}: {@code log(1 + e^(βx))/β}, reverting to x where
 * {@code βx > threshold} (there the gradient is 1; elsewhere {@code e^(βx)/(e^(βx) + 1)}).
 */
public final class Softplus extends Pointwise {
    private static final long serialVersionUID = 1L;

    private final double beta;
    private final double threshold;

    public Softplus(double beta, double threshold, int features) {
        super(features);
        this.beta = beta;
        this.threshold = threshold;
    }

    public double beta() {
        return beta;
    }

    public double threshold() {
        return threshold;
    }

    @Override
    double value(double x) {
        return x * beta > threshold ? x : Math.log1p(Math.exp(x * beta)) / beta;
    }

    @Override
    double grad(double x, double y, double dy) {
        if (x * beta > threshold) return dy;
        double z = Math.exp(x * beta);
        return dy * z / (z + 1);
    }

    @Override
    public String spec() {
        String b = beta == 1.0 ? "" : "beta=" + number(beta);
        String t = threshold == 20.0 ? "" : "threshold=" + number(threshold);
        return "Softplus(" + b + (b.isEmpty() || t.isEmpty() ? "" : ", ") + t + ")";
    }
}
