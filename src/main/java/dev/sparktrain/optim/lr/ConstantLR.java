package dev.sparktrain.optim.lr;

import dev.sparktrain.config.Options;
import dev.sparktrain.optim.Optimizer;

/**
 * {@code torch.optim.lr_scheduler.ConstantLR}: lr × factor from epoch 0 until {@code total_iters},
 * where the factor is divided out again (recursively, so it composes in a ChainedScheduler).
 */
public final class ConstantLR extends LRScheduler {
    private final double factor;
    private final int totalIters;

    public ConstantLR(Optimizer optimizer, Options o) {
        super(optimizer);
        SchedulerArgs.allow(o, "factor", "total_iters");
        factor = o.getDouble("factor", 1.0 / 3);
        totalIters = o.getInt("total_iters", 5);
        if (factor > 1.0 || factor < 0) throw o.error("factor", "must be between 0 and 1, got " + factor);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        if (lastEpoch == 0) return scaled(factor);
        if (lastEpoch != totalIters) return unchanged();
        return scaled(SchedulerArgs.div(1.0, factor, "ConstantLR", "1/factor at total_iters"));
    }

    @Override
    protected double[] closedFormLr() {
        return baseScaled(factor + (lastEpoch >= totalIters ? 1 - factor : 0.0));
    }
}
