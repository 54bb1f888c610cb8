package dev.sparktrain.optim.lr;

import dev.sparktrain.config.Options;
import dev.sparktrain.optim.Optimizer;

/** {@code torch.optim.lr_scheduler.ExponentialLR}: lr × gamma every epoch. */
public final class ExponentialLR extends LRScheduler {
    private final double gamma;

    public ExponentialLR(Optimizer optimizer, Options o) {
        super(optimizer);
        SchedulerArgs.allow(o, "gamma");
        gamma = o.getDouble("gamma");
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        return lastEpoch == 0 ? unchanged() : scaled(gamma);
    }

    @Override
    protected double[] closedFormLr() {
        return baseScaled(Math.pow(gamma, lastEpoch));
    }
}
