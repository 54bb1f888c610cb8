package dev.sparktrain.train;

/**
 * One epoch's figures. {@code trainLoss} follows PyTorch's habit: Σ(batch mean loss × batch
 * rows) / rows, each batch's loss taken before its step. Accuracies are NaN for regression,
 * validation figures NaN without a validation set.
 */
public record EpochStats(int epoch, long steps, double trainLoss, double trainAccuracy, double valLoss,
                         double valAccuracy, double[] lr, double gradNorm, double seconds, double rowsPerSecond) {
}
