package dev.sparktrain.optim.lr;

import dev.sparktrain.optim.Optimizer;

/** {@code torch.optim.lr_scheduler.StepLR}: lr × gamma every {@code step_size} epochs. */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    /** {@code step_size} (> 0) and {@code gamma} (PyTorch's default 0.1). */
    public record Settings(int stepSize, double gamma) {
    }

    public StepLR(Optimizer optimizer, Settings s) {
        super(optimizer);
        stepSize = s.stepSize();
        gamma = s.gamma();
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
