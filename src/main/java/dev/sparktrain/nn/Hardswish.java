package dev.sparktrain.nn;

/**
 * {@code torch.nn.Hardswish}: {@code x·min(max(x + 3, 0), 6)/6}. The gradient is 0 below −3,
 * {@code x/3 + 1/2} on [−3, 3) (−1/2 at −3) and 1 from 3 on. At exactly 3, PyTorch 1.13's CPU
 * kernel gives 1 in its vectorized loop and 3/2 in its scalar tail (the last elements of a tensor
 * whose size is not a multiple of 8): we take the vectorized answer, the one nearly every
 * element gets.
 */
public final class Hardswish extends Pointwise {
    private static final long serialVersionUID = 1L;

    public Hardswish(int features) {
        super(features);
    }

    @Override
    double value(double x) {
        return x * Math.min(Math.max(x + 3, 0.0), 6.0) / 6;
    }

    @Override
    double grad(double x, double y, double dy) {
        if (x < -3) return 0.0;
        return x < 3 ? dy * (x / 3 + 0.5) : dy;
    }

    @Override
    public String spec() {
        return "Hardswish()";
    }
}
