package dev.sparktrain.optim.lr;

import dev.sparktrain.config.Options;
import dev.sparktrain.optim.Optimizer;

/** {@code torch.optim.lr_scheduler.StepLR}: lr × gamma every {@code step_size} epochs. */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    public StepLR(Optimizer optimizer, Options o) {
        super(optimizer);
        SchedulerArgs.allow(o, "step_size", "gamma");
        stepSize = o.getInt("step_size");
        gamma = o.getDouble("gamma", 0.1);
        if (stepSize <= 0) throw o.error("step_size", "must be a positive integer, got " + stepSize);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        return (lastEpoch == 0 || lastEpoch % stepSize != 0) ? unchanged() : scaled(gamma);
    }

    @Override
    protected double[] closedFormLr() {
        return baseScaled(Math.pow(gamma, Math.floorDiv(lastEpoch, stepSize)));
    }
}
