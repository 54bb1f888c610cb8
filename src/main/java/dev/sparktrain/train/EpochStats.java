package dev.sparktrain.train;

/**
 * One epoch's figures. {@code trainLoss} follows PyTorch's habit: Σ(batch loss × batch rows) /
 * rows, each batch's loss (its mean, or its sum with reduction='sum') taken before its step;
 * {@code valLoss} is the loss of the validation set as one batch (so with 'sum', its total).
 * Accuracies count the rows whose label is not the loss's ignore_index; NaN for regression;
 * validation figures NaN without a validation set.
 */
public record EpochStats(int epoch, long steps, double trainLoss, double trainAccuracy, double valLoss,
                         double valAccuracy, double[] lr, double gradNorm, double seconds, double rowsPerSecond) {
}
