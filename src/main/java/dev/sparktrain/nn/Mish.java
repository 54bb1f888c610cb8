package dev.sparktrain.nn;

/** {@code torch.nn.Mish}: {@code x·tanh(softplus(x))}; gradient {@code t + x·σ(x)·(1 − t²)} with t = tanh(softplus(x)). */
public final class Mish extends Pointwise {
    private static final long serialVersionUID = 1L;

    public Mish(int features) {
        super(features);
    }

    @Override
    double value(double x) {
        return x * Math.tanh(Math.log1p(Math.exp(x)));
    }

    @Override
    double grad(double x, double y, double dy) {
        double s = 1 / (1 + Math.exp(-x));
        double t = Math.tanh(Math.log1p(Math.exp(x)));
        return dy * (t + x * s * (1 - t * t));
    }

    @Override
    public String spec() {
        return "Mish()";
    }
}
