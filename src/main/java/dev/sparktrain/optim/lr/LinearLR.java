package dev.sparktrain.optim.lr;

import dev.sparktrain.optim.Optimizer;

/**
 * {@code torch.optim.lr_scheduler.LinearLR}: the factor on the lr moves linearly from
 * {@code start_factor} to {@code end_factor} over {@code total_iters} epochs, then stays.
 */
public final class LinearLR extends LRScheduler {
    private final double startFactor;
    private final double endFactor;
    private final int totalIters;

    /** Factors in [0, 1] (defaults 1/3 and 1) and {@code total_iters} (default 5). */
    public record Settings(double startFactor, double endFactor, int totalIters) {
    }

    public LinearLR(Optimizer optimizer, Settings s) {
        super(optimizer);
        startFactor = s.startFactor();
        endFactor = s.endFactor();
        totalIters = s.totalIters();
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        if (lastEpoch == 0) return scaled(startFactor);
        if (lastEpoch > totalIters) return unchanged();
        // ratio of consecutive factors: f(e)/f(e-1) written as 1 + delta/(T·start + (e-1)·delta)
        double delta = endFactor - startFactor;
        return scaled(1. + ScheduleMath.div(delta, totalIters * startFactor + (lastEpoch - 1) * delta,
                "LinearLR", "the factor ratio (start_factor 0?)"));
    }

    @Override
    protected double[] closedFormLr() {
        double frac = ScheduleMath.div((endFactor - startFactor) * Math.min(totalIters, lastEpoch), totalIters,
                "LinearLR", "the closed form (total_iters 0?)");
        return baseScaled(startFactor + frac);
    }
}
