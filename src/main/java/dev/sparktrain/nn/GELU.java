package dev.sparktrain.nn;

/**
 * {@code torch.nn.GELU(approximate='none'|'tanh')}: {@code x·Φ(x) = x/2·(1 + erf(x/√2))}, or
 * PyTorch's tanh form {@code x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}, with the gradients of
 * PyTorch's CPU kernel for each form.
 */
public final class GELU extends Pointwise {
    private static final long serialVersionUID = 1L;
    private static final double SQRT1_2 = 0.7071067811865476;
    /** The normal density's factor 1/√(2π). */
    private static final double PDF = 0.3989422804014327;
    /** √(2/π). */
    private static final double BETA = 0.7978845608028654;
    private static final double KAPPA = 0.044715;

    private final boolean tanh;

    /** @param tanh PyTorch's {@code approximate='tanh'} */
    public GELU(boolean tanh, int features) {
        super(features);
        this.tanh = tanh;
    }

    /** Whether this is PyTorch's {@code approximate='tanh'} form (else the exact, erf one). */
    public boolean approximateTanh() {
        return tanh;
    }

    @Override
    double value(double x) {
        if (!tanh) return x * 0.5 * (1 + Erf.erf(x * SQRT1_2));
        double inner = BETA * (x + KAPPA * x * x * x);
        return 0.5 * x * (1 + Math.tanh(inner));
    }

    @Override
    double grad(double x, double y, double dy) {
        if (!tanh) {
            double cdf = 0.5 * (1 + Erf.erf(x * SQRT1_2));
            double pdf = PDF * Math.exp(-0.5 * x * x);
            return dy * (cdf + x * pdf);
        }
        double x2 = x * x;
        double t = Math.tanh(BETA * (x + KAPPA * x2 * x));
        double dInner = BETA * (1 + 3 * KAPPA * x2);
        return dy * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dInner);
    }

    @Override
    public String spec() {
        return tanh ? "GELU(approximate='tanh')" : "GELU()";
    }
}
