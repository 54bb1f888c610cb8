package dev.sparktrain.train;

import dev.sparktrain.optim.lr.Scheduler;

/**
 * Loop settings. {@code schedulerInterval} null means the scheduler's natural interval.
 * {@code batchSize} 0 means full batch. {@code nonFinite}: what a step with a NaN/Inf loss or
 * gradient does (job-file key {@code train.nonfinite}).
 */
public record TrainSettings(int epochs, int batchSize, boolean shuffle, long seed, Scheduler.Interval schedulerInterval,
                            NonFinite nonFinite) {
    /**
     * A NaN or infinite loss or gradient in a step. {@code STOP} (default): the run stops with one
     * line naming the epoch and step, before the optimizer step (so the last checkpoint is the
     * last good state). {@code SKIP}: the optimizer step is skipped and counted, as PyTorch AMP's
     * GradScaler skips a step whose gradients overflowed (a per-step scheduler still steps).
     */
    public enum NonFinite { STOP, SKIP }

    public TrainSettings {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (batchSize < 0) throw new IllegalArgumentException("batch size must be >= 0, got " + batchSize);
        if (nonFinite == null) nonFinite = NonFinite.STOP;
    }

    /** Stops on a non-finite loss or gradient. */
    public TrainSettings(int epochs, int batchSize, boolean shuffle, long seed, Scheduler.Interval schedulerInterval) {
        this(epochs, batchSize, shuffle, seed, schedulerInterval, NonFinite.STOP);
    }
}
