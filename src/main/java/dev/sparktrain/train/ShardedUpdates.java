package dev.sparktrain.train;

import dev.sparktrain.data.EpochOrder;

import java.util.List;
import java.util.Map;

/**
 * A backend whose parameters and optimizer state live in slices on their owners (the sharded,
 * ZeRO-1 style step): the driver sees a step's scalars and the gradient norm's per-piece partial
 * sums, decides (clip norm, non-finite policy, learning rates) and tells the owners to step.
 * Every owner runs the optimizer's own code on its slice, so the parameters have the bits the
 * driver-side step would give them.
 */
public interface ShardedUpdates {

    /**
     * The batch's sums over positions [from, to) of the epoch's order: the gradient, divided by
     * the normalizer, stays with its owners until {@link #step} or {@link #skip}.
     */
    ShardedSums batch(EpochOrder order, int epoch, int step, long from, long to);

    /**
     * Clips the pending gradient given its norm (as the clipper's {@code clip} would) and runs one
     * optimizer step on every slice with these param groups' hyper-parameters.
     */
    void step(double norm, List<Map<String, Object>> hypers);

    /** Drops the pending gradient (a skipped non-finite step). */
    void skip();

    /** The current parameters, all of them (d values into the driver: at most once an epoch). */
    void copyParams(double[] into);

    /** The optimizer's state ({@code Optimizer.state()} form) assembled from the slices. */
    Map<String, Object> optimizerState();

    /**
     * Every owner hands its current slice (parameters and optimizer state) to {@code writer} where
     * it lives; returns the writers' facts in slice order. No d-sized array reaches the driver.
     */
    List<Map<String, Object>> writeSlices(SliceWriter writer);

    /**
     * The scalars of a sharded step and its (divided) gradient's norm before clipping, as the
     * clipper's {@code clip} returns it (the 2-norm without a clipper), from the owners' partials;
     * NaN when the loss is not finite.
     */
    record ShardedSums(double lossSum, double normalizer, long rows, double correct, double norm) {
        public double reducedLoss() {
            return lossSum / normalizer;
        }
    }
}
