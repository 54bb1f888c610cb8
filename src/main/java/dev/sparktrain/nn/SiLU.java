package dev.sparktrain.nn;

/** {@code torch.nn.SiLU}: {@code x·σ(x)}; gradient {@code σ(x)·(1 + x·(1 − σ(x)))}. */
public final class SiLU extends Pointwise {
    private static final long serialVersionUID = 1L;

    public SiLU(int features) {
        super(features);
    }

    @Override
    double value(double x) {
        return x / (1 + Math.exp(-x));
    }

    @Override
    double grad(double x, double y, double dy) {
        double s = 1 / (1 + Math.exp(-x));
        return dy * s * (1 + x * (1 - s));
    }

    @Override
    public String spec() {
        return "SiLU()";
    }
}
