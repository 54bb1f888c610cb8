package dev.sparktrain.train;

import dev.sparktrain.optim.Optimizer;

/** Hooks into the training loop (progress lines, metrics files, tests recording the trajectory). */
public interface TrainListener {
    /** Called just before the optimizer step, after clipping (the lr/momentum in use are in the optimizer). */
    default void beforeStep(int epoch, long step, Optimizer optimizer) {
    }

    /** Called after each optimizer step (and its per-step scheduler step). */
    default void afterStep(StepStats stats) {
    }

    default void afterEpoch(EpochStats stats, double[] params) {
    }
}
