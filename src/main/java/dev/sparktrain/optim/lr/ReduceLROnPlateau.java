package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.ParamGroup;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.lr_scheduler.ReduceLROnPlateau}: lr × factor (floored at min_lr) once the
 * monitored metric has not improved for more than {@code patience} steps. In PyTorch 1.13 it is
 * not an {@code _LRScheduler}: no initial_lr, no initial step, construction leaves the lr alone.
 */
public final class ReduceLROnPlateau implements Scheduler {
    private final Optimizer optimizer;
    private final boolean maxMode;
    private final boolean relative;
    private final double factor;
    private final int patience;
    private final double threshold;
    private final int cooldown;
    private final double[] minLrs;
    private final double eps;

    private double best;
    private int numBadEpochs;
    private int cooldownCounter;
    private int lastEpoch;
    private double[] lastLr;

    /**
     * PyTorch's arguments: {@code mode} "min" or "max", {@code factor} < 1, {@code patience},
     * {@code threshold} with {@code threshold_mode} "rel" or "abs", {@code cooldown}, one
     * {@code min_lr} per param group, and {@code eps} (smaller reductions are skipped).
     */
    public record Settings(String mode, double factor, int patience, double threshold, String thresholdMode,
                           int cooldown, List<Double> minLr, double eps) {
        public Settings {
            minLr = List.copyOf(minLr);
        }
    }

    public ReduceLROnPlateau(Optimizer optimizer, Settings s) {
        this.optimizer = optimizer;
        factor = s.factor();
        maxMode = s.mode().equals("max");
        relative = s.thresholdMode().equals("rel");
        patience = s.patience();
        threshold = s.threshold();
        cooldown = s.cooldown();
        minLrs = ScheduleMath.perGroup(s.minLr(), optimizer.paramGroups().size(), "ReduceLROnPlateau", "min_lr");
        eps = s.eps();
        best = maxMode ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    @Override
    public Optimizer optimizer() {
        return optimizer;
    }

    @Override
    public Interval naturalInterval() {
        return Interval.EPOCH;
    }

    /** @param metric the monitored value; NaN (no metric, or a diverged loss) is refused */
    @Override
    public void step(double metric) {
        if (Double.isNaN(metric)) {
            throw new SparkTrainException("ReduceLROnPlateau: step needs the monitored metric (e.g. the validation "
                    + "loss) and got NaN: either no metric was passed or the metric diverged");
        }
        lastEpoch++;
        if (isBetter(metric)) {
            best = metric;
            numBadEpochs = 0;
        } else {
            numBadEpochs++;
        }
        if (cooldownCounter > 0) {
            cooldownCounter--;
            numBadEpochs = 0; // bad epochs during cooldown do not count
        }
        if (numBadEpochs > patience) {
            reduceLr();
            cooldownCounter = cooldown;
            numBadEpochs = 0;
        }
        lastLr = ScheduleMath.currentLrs(optimizer);
    }

    private boolean isBetter(double a) {
        if (!maxMode) return relative ? a < best * (1. - threshold) : a < best - threshold;
        return relative ? a > best * (threshold + 1.) : a > best + threshold;
    }

    private void reduceLr() {
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size(); i++) {
            double old = groups.get(i).lr();
            double lr = Math.max(old * factor, minLrs[i]);
            if (old - lr > eps) groups.get(i).setLr(lr); // reductions smaller than eps are skipped
        }
    }

    /** The lr of every group after the last step (the optimizer's lrs before the first). */
    @Override
    public double[] lastLr() {
        return lastLr == null ? ScheduleMath.currentLrs(optimizer) : lastLr.clone();
    }

    /** {@code best} is ±Infinity until a first metric is seen. */
    @Override
    public Map<String, Object> state() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scheduler", "ReduceLROnPlateau");
        m.put("last_epoch", lastEpoch);
        m.put("best", best);
        m.put("num_bad_epochs", numBadEpochs);
        m.put("cooldown_counter", cooldownCounter);
        if (lastLr != null) m.put("last_lr", lastLr.clone());
        return m;
    }

    @Override
    public void loadState(Map<String, Object> m) {
        ScheduleMath.checkSavedBy("ReduceLROnPlateau", m);
        lastEpoch = ((Number) m.get("last_epoch")).intValue();
        best = ((Number) m.get("best")).doubleValue();
        numBadEpochs = ((Number) m.get("num_bad_epochs")).intValue();
        cooldownCounter = ((Number) m.get("cooldown_counter")).intValue();
        lastLr = m.get("last_lr") instanceof double[] d ? d.clone() : null;
    }
}
