package dev.sparktrain.optim.lr;

import dev.sparktrain.optim.Optimizer;

/** {@code torch.optim.lr_scheduler.ExponentialLR}: lr × gamma every epoch. */
public final class ExponentialLR extends LRScheduler {
    private final double gamma;

    /** {@code gamma}: no default in PyTorch. */
    public record Settings(double gamma) {
    }

    public ExponentialLR(Optimizer optimizer, Settings s) {
        super(optimizer);
        gamma = s.gamma();
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
