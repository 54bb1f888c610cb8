package dev.sparktrain.optim.lr;

import dev.sparktrain.optim.Optimizer;

/**
 * {@code torch.optim.lr_scheduler.ConstantLR}: lr × factor from epoch 0 until {@code total_iters},
 * where the factor is divided out again (recursively, so it composes in a ChainedScheduler).
 */
public final class ConstantLR extends LRScheduler {
    private final double factor;
    private final int totalIters;

    /** {@code factor} in [0, 1] (default 1/3) and {@code total_iters} (default 5). */
    public record Settings(double factor, int totalIters) {
    }

    public ConstantLR(Optimizer optimizer, Settings s) {
        super(optimizer);
        factor = s.factor();
        totalIters = s.totalIters();
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        if (lastEpoch == 0) return scaled(factor);
        if (lastEpoch != totalIters) return unchanged();
        return scaled(ScheduleMath.div(1.0, factor, "ConstantLR", "1/factor at total_iters"));
    }

    @Override
    protected double[] closedFormLr() {
        return baseScaled(factor + (lastEpoch >= totalIters ? 1 - factor : 0.0));
    }
}
