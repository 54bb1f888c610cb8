package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.optim.Optimizer;

import java.util.Map;

/**
 * {@code torch.optim.lr_scheduler.CosineAnnealingWarmRestarts} (SGDR): cosine from the base lr to
 * {@code eta_min} over T_i epochs, then restart with T_i × T_mult. Not chainable: the lr is
 * always computed from the base lr, T_cur and T_i.
 */
public final class CosineAnnealingWarmRestarts extends LRScheduler {
    private final int t0;
    private final int tMult;
    private final double etaMin;
    private long tI;
    private double tCur;

    /** {@code T_0} (> 0), {@code T_mult} (>= 1, default 1) and {@code eta_min} (default 0). */
    public record Settings(int t0, int tMult, double etaMin) {
    }

    public CosineAnnealingWarmRestarts(Optimizer optimizer, Settings s) {
        super(optimizer);
        t0 = s.t0();
        tMult = s.tMult();
        etaMin = s.etaMin();
        tI = t0;
        tCur = lastEpoch;
        initialStep();
    }

    @Override
    public void step(double metric) {
        // PyTorch: a step before any epoch (constructor, or after SequentialLR's rewind) is step(0).
        if (lastEpoch < 0) {
            stepTo(0.0);
            return;
        }
        tCur += 1;
        if (tCur >= tI) {
            tCur -= tI;
            tI *= tMult;
        }
        lastEpoch++;
        apply(computeLr());
    }

    @Override
    public void stepTo(int epoch) {
        stepTo((double) epoch);
    }

    /** PyTorch's {@code step(epoch)}: fractional epochs allowed (e.g. epoch + batch/batches). */
    public void stepTo(double epoch) {
        if (!(epoch >= 0)) throw new SparkTrainException("CosineAnnealingWarmRestarts: expected a non-negative epoch, got " + epoch);
        if (epoch >= t0) {
            if (tMult == 1) {
                tCur = epoch % t0;
            } else {
                // which restart we are in: T_0·(T_mult^n - 1)/(T_mult - 1) <= epoch; PyTorch's float log, truncated
                int n = (int) (Math.log(epoch / t0 * (tMult - 1) + 1) / Math.log(tMult));
                long pow = Math.round(Math.pow(tMult, n));
                tCur = epoch - t0 * (pow - 1) / (double) (tMult - 1);
                tI = t0 * pow;
            }
        } else {
            tI = t0;
            tCur = epoch;
        }
        lastEpoch = (int) Math.floor(epoch);
        apply(computeLr());
    }

    @Override
    protected double[] computeLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) {
            lr[i] = etaMin + (baseLrs[i] - etaMin) * (1 + Math.cos(Math.PI * tCur / tI)) / 2;
        }
        return lr;
    }

    @Override
    protected void saveExtra(Map<String, Object> m) {
        m.put("T_i", tI);
        m.put("T_cur", tCur);
    }

    @Override
    protected void loadExtra(Map<String, Object> m) {
        tI = ((Number) m.get("T_i")).longValue();
        tCur = ((Number) m.get("T_cur")).doubleValue();
    }
}
