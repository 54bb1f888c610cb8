package dev.sparktrain.train;

import dev.sparktrain.nn.BatchKernel;

import java.util.Arrays;

/**
 * What a backend returns for a batch or for the validation set: sums over its rows, not means,
 * so that partitions' shares add up; the driver divides by the global {@code normalizer}
 * (PyTorch's 'mean' denominator: rows, the sum of class weights, or rows × outputs).
 *
 * @param grad       summed gradient of the loss, one value per parameter (empty for validation)
 * @param lossSum    summed loss terms
 * @param normalizer the mean's denominator for these rows
 * @param rows       rows summed
 * @param correct    rows whose prediction was right (classification; 0 otherwise)
 */
public record StepSums(double[] grad, double lossSum, double normalizer, long rows, double correct) {

    /**
     * Unpacks a kernel sums vector laid out as {@code [grad(0..d), loss, normalizer, rows, correct]}
     * (d = 0 for a stats-only vector).
     */
    public static StepSums of(double[] kernelSums, boolean withGradient) {
        int d = kernelSums.length - BatchKernel.STATS;
        return new StepSums(withGradient ? Arrays.copyOf(kernelSums, d) : new double[0],
                kernelSums[d + BatchKernel.LOSS], kernelSums[d + BatchKernel.NORM],
                (long) kernelSums[d + BatchKernel.ROWS], kernelSums[d + BatchKernel.CORRECT]);
    }

    /** Sums over no rows (a batch that selected none). */
    public static StepSums empty(int d, boolean withGradient) {
        return new StepSums(new double[withGradient ? d : 0], 0, 0, 0, 0);
    }

    /** The mean loss, as PyTorch's 'mean' reduction gives it over these rows. */
    public double meanLoss() {
        return lossSum / normalizer;
    }

    /** Fraction of rows predicted right. */
    public double accuracy() {
        return correct / rows;
    }
}
