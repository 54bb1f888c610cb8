package dev.sparktrain.optim.lr;

import dev.sparktrain.optim.Optimizer;

/**
 * {@code torch.optim.lr_scheduler.CosineAnnealingLR} in PyTorch's recursive form: each step
 * rescales the distance of the current lr to {@code eta_min}, so it composes with other
 * schedulers. Past {@code T_max} it does not restart: the cosine rises again (period 2·T_max).
 */
public final class CosineAnnealingLR extends LRScheduler {
    private final double tMax;
    private final double etaMin;

    /**
     * {@code T_max} (> 0; PyTorch documents an int but computes in floats, so a fractional one
     * behaves the same here) and {@code eta_min} (default 0).
     */
    public record Settings(double tMax, double etaMin) {
    }

    public CosineAnnealingLR(Optimizer optimizer, Settings s) {
        super(optimizer);
        tMax = s.tMax();
        etaMin = s.etaMin();
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        if (lastEpoch == 0) return unchanged();
        double[] lr = new double[groupCount()];
        // (e - 1 - T) a multiple of 2T: the previous epoch sat at the trough, where the ratio
        // below would divide by 1 + cos(pi) = 0; PyTorch adds the first rising increment instead.
        if ((lastEpoch - 1 - tMax) % (2 * tMax) == 0) {
            for (int i = 0; i < lr.length; i++) {
                lr[i] = currentLr(i) + (baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2;
            }
            return lr;
        }
        double ratio = (1 + Math.cos(Math.PI * lastEpoch / tMax)) / (1 + Math.cos(Math.PI * (lastEpoch - 1) / tMax));
        for (int i = 0; i < lr.length; i++) lr[i] = ratio * (currentLr(i) - etaMin) + etaMin;
        return lr;
    }

    @Override
    protected double[] closedFormLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) {
            lr[i] = etaMin + (baseLrs[i] - etaMin) * (1 + Math.cos(Math.PI * lastEpoch / tMax)) / 2;
        }
        return lr;
    }
}
