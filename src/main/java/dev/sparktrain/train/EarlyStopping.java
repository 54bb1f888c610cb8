package dev.sparktrain.train;

import dev.sparktrain.SparkTrainException;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stops training when a validation metric stops improving (the rule of Keras' and Lightning's
 * EarlyStopping). After each epoch the monitored value counts as an improvement when it beats
 * the best so far by more than {@code minDelta} ({@code value < best - minDelta} in mode min,
 * {@code value > best + minDelta} in mode max); otherwise the wait counter grows, and training
 * stops after the epoch that brings it to {@code patience}. With {@code restoreBest} the weights
 * of the best epoch are put back when training ends (stopped early or not).
 */
public final class EarlyStopping {
    /** Settings from the job file. {@code mode} is "min" or "max". */
    public record Settings(String monitor, int patience, double minDelta, String mode, boolean restoreBest) {
        public Settings {
            if (!monitor.equals("val_loss") && !monitor.equals("val_accuracy")) {
                throw new IllegalArgumentException("monitor must be val_loss or val_accuracy, got " + monitor);
            }
            if (patience < 0) throw new IllegalArgumentException("patience must be >= 0, got " + patience);
            if (!(minDelta >= 0)) throw new IllegalArgumentException("min_delta must be >= 0, got " + minDelta);
            if (!mode.equals("min") && !mode.equals("max")) throw new IllegalArgumentException("mode must be min or max, got " + mode);
        }

        /** {@code auto}: min for a loss, max for an accuracy. */
        public static String autoMode(String monitor) {
            return monitor.endsWith("accuracy") ? "max" : "min";
        }
    }

    private final Settings settings;
    private double best;
    private int bestEpoch;
    private int wait;
    private boolean stopped;
    private double[] bestParams;

    public EarlyStopping(Settings settings) {
        this.settings = settings;
        this.best = max() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }

    public Settings settings() {
        return settings;
    }

    private boolean max() {
        return settings.mode().equals("max");
    }

    /** The monitored value of an epoch. */
    public double value(EpochStats s) {
        return settings.monitor().equals("val_accuracy") ? s.valAccuracy() : s.valLoss();
    }

    /** Takes one epoch's figures (and the weights after it); returns true when training should stop now. */
    public boolean update(EpochStats s, double[] params) {
        double v = value(s);
        if (Double.isNaN(v)) {
            throw new SparkTrainException("early_stopping.monitor: " + settings.monitor() + " is not available at epoch "
                    + s.epoch() + " (no validation rows, or not a classifier for val_accuracy)");
        }
        boolean better = better(v);
        if (better) {
            best = v;
            bestEpoch = s.epoch();
            wait = 0;
            if (settings.restoreBest()) bestParams = params.clone();
        } else {
            wait++;
            if (wait >= settings.patience()) stopped = true;
        }
        return stopped;
    }

    /** Whether {@link #update} would copy the weights for this epoch: a new best, with {@code restoreBest}. */
    public boolean keepsParams(EpochStats s) {
        return settings.restoreBest() && better(value(s));
    }

    private boolean better(double v) {
        return max() ? v > best + settings.minDelta() : v < best - settings.minDelta();
    }

    public double best() {
        return best;
    }

    /** The epoch (1-based) of the best value, 0 before any. */
    public int bestEpoch() {
        return bestEpoch;
    }

    public boolean stopped() {
        return stopped;
    }

    /** Epochs since the last improvement. */
    public int waited() {
        return wait;
    }

    /** The weights after the best epoch (only with restoreBest), else null. */
    public double[] bestParams() {
        return bestParams == null ? null : bestParams.clone();
    }

    /** Puts the best weights into {@code params} when restoreBest is on; returns whether it did. */
    public boolean restore(double[] params) {
        if (!settings.restoreBest() || bestParams == null) return false;
        System.arraycopy(bestParams, 0, params, 0, params.length);
        return true;
    }

    /** Everything that evolves, for checkpoints ({@code best} may be ±Infinity, {@code best_params} a double[]). */
    public Map<String, Object> state() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("monitor", settings.monitor());
        m.put("mode", settings.mode());
        m.put("best", best);
        m.put("best_epoch", bestEpoch);
        m.put("wait", wait);
        m.put("stopped", stopped);
        if (bestParams != null) m.put("best_params", bestParams.clone());
        return m;
    }

    /** Restores {@link #state()}; whether training has stopped is decided again with this instance's patience. */
    public void loadState(Map<String, Object> m) {
        if (!settings.monitor().equals(m.get("monitor")) || !settings.mode().equals(m.get("mode"))) {
            throw new SparkTrainException("early stopping state: saved for monitor " + m.get("monitor") + " mode "
                    + m.get("mode") + ", the job monitors " + settings.monitor() + " mode " + settings.mode());
        }
        best = ((Number) m.get("best")).doubleValue();
        bestEpoch = ((Number) m.get("best_epoch")).intValue();
        wait = ((Number) m.get("wait")).intValue();
        // judged again with this job's patience: a run resumed with more patience carries on
        stopped = wait > 0 && wait >= settings.patience();
        bestParams = m.get("best_params") instanceof double[] d ? d.clone() : null;
    }
}
