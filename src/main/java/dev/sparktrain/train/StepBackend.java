package dev.sparktrain.train;

import dev.sparktrain.data.EpochOrder;

/**
 * Where the gradient of a global mini-batch comes from: a Spark job over cached blocks
 * (the Spark layer's backend) or in-memory blocks ({@link LocalBackend}).
 */
public interface StepBackend extends AutoCloseable {
    /** Rows in the training set. */
    long trainRows();

    /** Sums over positions [from, to) of the epoch's order, computed with {@code params}. */
    StepSums batchSums(double[] params, EpochOrder order, int epoch, int step, long from, long to);

    /** Sums over the whole validation set, or null when there is none. */
    StepSums validationSums(double[] params);

    /** The owners of the parameters when the optimizer step runs on them, else null (the step runs on the driver). */
    default ShardedUpdates sharded() {
        return null;
    }

    @Override
    default void close() {
    }
}
