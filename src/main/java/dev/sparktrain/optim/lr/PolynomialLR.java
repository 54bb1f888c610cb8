package dev.sparktrain.optim.lr;

import dev.sparktrain.optim.Optimizer;

/** {@code torch.optim.lr_scheduler.PolynomialLR}: lr × (1 - e/total_iters)^power, constant after. */
public final class PolynomialLR extends LRScheduler {
    private final int totalIters;
    private final double power;

    /** {@code total_iters} (default 5) and {@code power} (default 1). */
    public record Settings(int totalIters, double power) {
    }

    public PolynomialLR(Optimizer optimizer, Settings s) {
        super(optimizer);
        totalIters = s.totalIters();
        power = s.power();
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        if (lastEpoch == 0 || lastEpoch > totalIters) return unchanged();
        double t = totalIters;
        double ratio = (1.0 - lastEpoch / t) / (1.0 - (lastEpoch - 1) / t);
        return scaled(Math.pow(ratio, power));
    }

    @Override
    protected double[] closedFormLr() {
        double done = ScheduleMath.div(Math.min(totalIters, lastEpoch), totalIters, "PolynomialLR",
                "the closed form (total_iters 0?)");
        return baseScaled(Math.pow(1.0 - done, power));
    }
}
