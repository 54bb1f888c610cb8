package dev.sparktrain.train;

import dev.sparktrain.data.EpochOrder;

/**
 * Where the gradient of a global mini-batch comes from: a Spark job over cached blocks
 * ({@link SparkBackend}) or an in-memory block ({@link LocalBackend}). Sums vectors are laid out
 * as in {@link dev.sparktrain.nn.BatchKernel}: {@code [grad, lossSum, normalizer, rows, correct]}.
 */
public interface StepBackend extends AutoCloseable {
    /** Rows in the training set. */
    long trainRows();

    /** Sums over positions [from, to) of the epoch's order, computed with {@code params}. */
    double[] batchSums(double[] params, EpochOrder order, int epoch, int step, long from, long to);

    /** Sums over the whole validation set, or null when there is none. */
    double[] validationSums(double[] params);

    @Override
    default void close() {
    }
}
