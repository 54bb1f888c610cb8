package dev.sparktrain.train;

import dev.sparktrain.optim.lr.Scheduler;

/**
 * Loop settings. {@code schedulerInterval} null means the scheduler's natural interval.
 * {@code batchSize} 0 means full batch.
 */
public record TrainSettings(int epochs, int batchSize, boolean shuffle, long seed, Scheduler.Interval schedulerInterval) {
    public TrainSettings {
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (batchSize < 0) throw new IllegalArgumentException("batch size must be >= 0, got " + batchSize);
    }
}
