package dev.sparktrain.optim.lr;

import dev.sparktrain.optim.Optimizer;

import java.util.Map;

/**
 * Anything that changes an optimizer's hyper-parameters over time. A scheduler has a natural
 * {@link Interval}: once per epoch (most of them) or once per optimizer step (CyclicLR,
 * OneCycleLR); the trainer calls {@link #step(double)} at that interval.
 */
public interface Scheduler {
    enum Interval { EPOCH, STEP }

    /** The interval PyTorch's docs step this scheduler at. */
    Interval naturalInterval();

    /**
     * Advances one interval.
     *
     * @param metric the monitored value (validation loss) for ReduceLROnPlateau; ignored by others
     */
    void step(double metric);

    /** Advances one interval of a scheduler that needs no metric. */
    default void step() {
        step(Double.NaN);
    }

    /** The optimizer whose groups this scheduler writes. */
    Optimizer optimizer();

    /** The lr of every group after the last step (PyTorch's get_last_lr). */
    double[] lastLr();

    /** PyTorch's {@code state_dict()}: every field that evolves, JSON-able (numbers, lists, maps). */
    Map<String, Object> state();

    void loadState(Map<String, Object> state);
}
