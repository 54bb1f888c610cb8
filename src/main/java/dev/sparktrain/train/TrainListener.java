package dev.sparktrain.train;

import dev.sparktrain.optim.Optimizer;

/** Hooks into the training loop (progress lines, metrics files, tests recording the trajectory). */
public interface TrainListener {
    /**
     * Called once when {@code Trainer.fit} starts, with the owners of the parameters when the step
     * is sharded (else null): a listener may then have them write what it needs in place.
     */
    default void startFit(ShardedUpdates owners) {
    }

    /**
     * Called when an epoch starts, before its first step.
     *
     * @param epoch 1-based epoch
     * @param steps optimizer steps the epoch will take (skipped ones included)
     */
    default void beforeEpoch(int epoch, long steps) {
    }

    /** Called just before the optimizer step, after clipping (the lr/momentum in use are in the optimizer). */
    default void beforeStep(int epoch, long step, Optimizer optimizer) {
    }

    /** Called after each optimizer step (and its per-step scheduler step). */
    default void afterStep(StepStats stats) {
    }

    /**
     * Called instead of {@link #beforeStep}/{@link #afterStep} for a step whose loss or gradient was
     * NaN or infinite, skipped under {@code train.nonfinite = skip}.
     *
     * @param epoch  1-based epoch
     * @param step   1-based step over the run (as in {@link StepStats#step()})
     * @param reason e.g. {@code epoch 3 step 2: the loss is NaN}
     */
    default void skippedStep(int epoch, long step, String reason) {
    }

    default void afterEpoch(EpochStats stats, double[] params) {
    }

    /**
     * Whether {@link #afterEpoch} reads the parameters or the optimizer's state this epoch: with the
     * sharded step they live on the executors, and the driver fetches them (d values) only when a
     * listener says so.
     */
    default boolean needsParams(EpochStats stats) {
        return true;
    }
}
