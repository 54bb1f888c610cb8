package dev.sparktrain.optim.lr;

import dev.sparktrain.config.Options;
import dev.sparktrain.optim.Optimizer;

/**
 * {@code torch.optim.lr_scheduler.LinearLR}: the factor on the lr moves linearly from
 * {@code start_factor} to {@code end_factor} over {@code total_iters} epochs, then stays.
 */
public final class LinearLR extends LRScheduler {
    private final double startFactor;
    private final double endFactor;
    private final int totalIters;

    public LinearLR(Optimizer optimizer, Options o) {
        super(optimizer);
        SchedulerArgs.allow(o, "start_factor", "end_factor", "total_iters");
        startFactor = o.getDouble("start_factor", 1.0 / 3);
        endFactor = o.getDouble("end_factor", 1.0);
        totalIters = o.getInt("total_iters", 5);
        if (startFactor > 1.0 || startFactor < 0) {
            throw o.error("start_factor", "must be between 0 and 1, got " + startFactor);
        }
        if (endFactor > 1.0 || endFactor < 0) throw o.error("end_factor", "must be between 0 and 1, got " + endFactor);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        if (lastEpoch == 0) return scaled(startFactor);
        if (lastEpoch > totalIters) return unchanged();
        // ratio of consecutive factors: f(e)/f(e-1) written as 1 + delta/(T·start + (e-1)·delta)
        double delta = endFactor - startFactor;
        return scaled(1. + SchedulerArgs.div(delta, totalIters * startFactor + (lastEpoch - 1) * delta,
                "LinearLR", "the factor ratio (start_factor 0?)"));
    }

    @Override
    protected double[] closedFormLr() {
        double frac = SchedulerArgs.div((endFactor - startFactor) * Math.min(totalIters, lastEpoch), totalIters,
                "LinearLR", "the closed form (total_iters 0?)");
        return baseScaled(startFactor + frac);
    }
}
