package dev.sparktrain.nn;

/**
 * {@code torch.nn.ELU(alpha)}: x where x &gt; 0, else {@code α·(eˣ − 1)} (PyTorch's CPU kernel
 * subtracts 1 from exp rather than calling expm1, and so do we); the gradient below 0 is
 * {@code α·eˣ}, PyTorch's formula from the input for the out-of-place layer.
 */
public final class ELU extends Pointwise {
    private static final long serialVersionUID = 1L;

    private final double alpha;

    public ELU(double alpha, int features) {
        super(features);
        this.alpha = alpha;
    }

    public double alpha() {
        return alpha;
    }

    @Override
    double value(double x) {
        return x <= 0 ? (Math.exp(x) - 1) * alpha : x;
    }

    @Override
    double grad(double x, double y, double dy) {
        return x <= 0 ? dy * alpha * Math.exp(x) : dy;
    }

    @Override
    public String spec() {
        return alpha == 1.0 ? "ELU()" : "ELU(alpha=" + number(alpha) + ")";
    }
}
