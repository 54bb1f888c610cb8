package dev.sparktrain.optim.lr;

import dev.sparktrain.config.Options;
import dev.sparktrain.optim.Optimizer;

import java.util.List;

/** {@code torch.optim.lr_scheduler.StepLR}: lr × gamma every {@code step_size} epochs. */
public final class StepLR extends LRScheduler {
    private final int stepSize;
    private final double gamma;

    public StepLR(Optimizer optimizer, Options o) {
        super(optimizer);
        o.requireOnly(List.of("step_size", "gamma"));
        stepSize = o.getInt("step_size");
        gamma = o.getDouble("gamma", 0.1);
        if (stepSize <= 0) throw o.error("step_size", "must be a positive integer, got " + stepSize);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) {
            lr[i] = (lastEpoch == 0 || lastEpoch % stepSize != 0) ? currentLr(i) : currentLr(i) * gamma;
        }
        return lr;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) lr[i] = baseLrs[i] * Math.pow(gamma, Math.floorDiv(lastEpoch, stepSize));
        return lr;
    }
}
