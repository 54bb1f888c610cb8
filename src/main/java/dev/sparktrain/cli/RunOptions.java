package dev.sparktrain.cli;

import dev.sparktrain.store.CheckpointWriter;
import dev.sparktrain.config.Options;
import dev.sparktrain.train.EarlyStopping;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job-file keys about the run rather than the model: {@code checkpoint.dir|every|keep},
 * {@code resume}, {@code metrics.per_step}, {@code progress.interval},
 * {@code early_stopping.monitor|patience|min_delta|mode|restore_best}.
 */
public final class RunOptions {
    /** Allowed keys per section prefix. */
    static final Map<String, List<String>> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("checkpoint.", List.of("dir", "every", "keep"));
        KEYS.put("metrics.", List.of("per_step"));
        KEYS.put("progress.", List.of("interval"));
        KEYS.put("early_stopping.", List.of("monitor", "patience", "min_delta", "mode", "restore_best"));
    }

    /** Where checkpoints go (default {@code <output.dir>/checkpoints}). */
    public final String checkpointDir;
    /** A checkpoint every this many epochs (and always at the end); 0 = only at the end. */
    public final int checkpointEvery;
    /** Checkpoints kept (the newest). */
    public final int checkpointKeep;
    /** A checkpoint, checkpoint directory or run directory to continue from; null = a fresh run. */
    public final String resume;
    public final boolean metricsPerStep;
    /**
     * Seconds between progress lines inside an epoch when the output is not a terminal (a
     * terminal gets a live line instead); 0 = no progress inside an epoch.
     */
    public final double progressInterval;
    /** Null when early stopping is off. */
    public final EarlyStopping.Settings earlyStopping;

    RunOptions(Options ckpt, Options metrics, Options progress, Options es, String resume, String outputDir,
               double validationFraction) {
        this.checkpointDir = ckpt.getString("dir", outputDir.replaceAll("/+$", "") + "/checkpoints");
        this.checkpointEvery = ckpt.getInt("every", 1);
        if (checkpointEvery < 0) throw ckpt.error("every", "must be >= 0 (0 = only at the end), got " + checkpointEvery);
        this.checkpointKeep = ckpt.getInt("keep", 2);
        if (checkpointKeep < 1) throw ckpt.error("keep", "must be >= 1, got " + checkpointKeep);
        this.resume = resume;
        this.metricsPerStep = metrics.getBool("per_step", false);
        this.progressInterval = progress.getDouble("interval", 30);
        if (!(progressInterval >= 0) || Double.isInfinite(progressInterval)) {
            throw progress.error("interval", "must be a number of seconds >= 0 (0 = no progress inside an epoch), got "
                    + progressInterval);
        }
        if (!es.has("monitor")) {
            if (!es.keys().isEmpty()) {
                throw es.error(es.keys().iterator().next(), "early stopping options given but no early_stopping.monitor");
            }
            this.earlyStopping = null;
            return;
        }
        String monitor = es.getChoice("monitor", "val_loss", "val_loss", "val_accuracy");
        String mode = es.getChoice("mode", "auto", "auto", "min", "max");
        if (mode.equals("auto")) mode = EarlyStopping.Settings.autoMode(monitor);
        int patience = es.getInt("patience", 5);
        if (patience < 0) throw es.error("patience", "must be >= 0, got " + patience);
        double minDelta = es.getDouble("min_delta", 0.0);
        if (!(minDelta >= 0)) throw es.error("min_delta", "must be >= 0, got " + minDelta);
        if (validationFraction <= 0) {
            throw es.error("monitor", monitor + " needs validation rows; set data.validation_fraction > 0");
        }
        this.earlyStopping = new EarlyStopping.Settings(monitor, patience, minDelta, mode, es.getBool("restore_best", false));
    }

    /** The checkpoint keys for a run of {@code epochs} epochs. */
    public CheckpointWriter.Policy checkpointPolicy(int epochs) {
        return new CheckpointWriter.Policy(checkpointDir, checkpointEvery, checkpointKeep, epochs);
    }
}
