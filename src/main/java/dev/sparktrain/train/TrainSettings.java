package dev.sparktrain.train;

import dev.sparktrain.optim.lr.Scheduler;

/**
 * Loop settings. {@code schedulerInterval} null means the scheduler's natural interval.
 * {@code batchSize} 0 means full batch. {@code nonFinite}: what a step with a NaN/Inf loss or
 * gradient does (job-file key {@code train.nonfinite}).
 */
public record TrainSettings(int epochs, int batchSize, boolean shuffle, long seed, Scheduler.Interval schedulerInterval,
                            NonFinite nonFinite, Sharding sharding) {
    /**
     * A NaN or infinite loss or gradient in a step. {@code STOP} (default): the run stops with one
     * line naming the epoch and step, before the optimizer step (so the last checkpoint is the
     * last good state). {@code SKIP}: the optimizer step is skipped and counted, as PyTorch AMP's
     * GradScaler skips a step whose gradients overflowed (a per-step scheduler still steps).
     */
    public enum NonFinite { STOP, SKIP }

    /**
     * Where the optimizer step runs ({@code train.sharded_optimizer}): on the driver over the whole
     * vector ({@code OFF}), on the owners of parameter slices ({@code ON}, the sharded step), or
     * {@code AUTO}: sharded from {@link #AUTO_SHARDED_PARAMS} parameters on. Same bits either way.
     */
    public enum Sharding {
        AUTO, ON, OFF;

        public boolean on(long params) {
            return this == ON || (this == AUTO && params >= AUTO_SHARDED_PARAMS);
        }
    }

    /** From this many parameters on, AUTO shards the optimizer step (docs/SCALING.md says why this size). */
    public static final long AUTO_SHARDED_PARAMS = 1L << 22;

    public TrainSettings {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (batchSize < 0) throw new IllegalArgumentException("batch size must be >= 0, got " + batchSize);
        if (nonFinite == null) nonFinite = NonFinite.STOP;
        if (sharding == null) sharding = Sharding.AUTO;
    }

    public TrainSettings(int epochs, int batchSize, boolean shuffle, long seed, Scheduler.Interval schedulerInterval,
                         NonFinite nonFinite) {
        this(epochs, batchSize, shuffle, seed, schedulerInterval, nonFinite, Sharding.AUTO);
    }

    /** The same settings with the optimizer step placed by {@code s}. */
    public TrainSettings withSharding(Sharding s) {
        return new TrainSettings(epochs, batchSize, shuffle, seed, schedulerInterval, nonFinite, s);
    }

    /** Stops on a non-finite loss or gradient. */
    public TrainSettings(int epochs, int batchSize, boolean shuffle, long seed, Scheduler.Interval schedulerInterval) {
        this(epochs, batchSize, shuffle, seed, schedulerInterval, NonFinite.STOP);
    }
}
