package dev.sparktrain.nn;

/** {@code torch.nn.Identity}: the input, unchanged (a placeholder while trying out models). */
public final class Identity extends Pointwise {
    private static final long serialVersionUID = 1L;

    public Identity(int features) {
        super(features);
    }

    @Override
    double value(double x) {
        return x;
    }

    @Override
    double grad(double x, double y, double dy) {
        return dy;
    }

    @Override
    public String spec() {
        return "Identity()";
    }
}
