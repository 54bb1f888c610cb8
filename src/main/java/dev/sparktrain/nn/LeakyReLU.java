package dev.sparktrain.nn;

/** {@code torch.nn.LeakyReLU(negative_slope)}: x where x &gt; 0, else slope·x (at 0 the gradient is the slope, as PyTorch's). */
public final class LeakyReLU extends Pointwise {
    private static final long serialVersionUID = 1L;

    private final double slope;

    public LeakyReLU(double negativeSlope, int features) {
        super(features);
        this.slope = negativeSlope;
    }

    public double negativeSlope() {
        return slope;
    }

    @Override
    double value(double x) {
        return x > 0 ? x : x * slope;
    }

    @Override
    double grad(double x, double y, double dy) {
        return x > 0 ? dy : dy * slope;
    }

    @Override
    public String spec() {
        return slope == 0.01 ? "LeakyReLU()" : "LeakyReLU(negative_slope=" + number(slope) + ")";
    }
}
