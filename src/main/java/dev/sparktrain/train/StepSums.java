package dev.sparktrain.train;

import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Loss;

import java.util.Arrays;

/**
 * What a backend returns for a batch or for the validation set: sums over its rows, not means,
 * so that partitions' shares add up; the driver divides by {@code normalizer}: the loss's
 * reduction's divisor of the global normalizer (PyTorch's 'mean' denominator — rows, the sum of
 * class weights, or rows × outputs — or 1 for 'sum').
 *
 * @param grad       summed gradient of the loss, one value per parameter (empty for validation)
 * @param lossSum    summed loss terms
 * @param normalizer what the reduction divides the sums by (1 for 'sum')
 * @param rows       rows summed, those whose target the loss ignores ({@code ignore_index}) left out
 * @param correct    rows whose prediction was right (classification; 0 otherwise)
 */
public record StepSums(double[] grad, double lossSum, double normalizer, long rows, double correct) {

    /**
     * Unpacks a kernel sums vector laid out as {@code [grad(0..d), loss, normalizer, rows, correct]}
     * (d = 0 for a stats-only vector), the normalizer turned into {@code reduction}'s divisor.
     */
    public static StepSums of(double[] kernelSums, boolean withGradient, Loss.Reduction reduction) {
        int d = kernelSums.length - BatchKernel.STATS;
        return new StepSums(withGradient ? Arrays.copyOf(kernelSums, d) : new double[0],
                kernelSums[d + BatchKernel.LOSS], reduction.divisor(kernelSums[d + BatchKernel.NORM]),
                (long) kernelSums[d + BatchKernel.ROWS], kernelSums[d + BatchKernel.CORRECT]);
    }

    /** Sums over no rows (a batch that selected none). */
    public static StepSums empty(int d, boolean withGradient) {
        return new StepSums(new double[withGradient ? d : 0], 0, 0, 0, 0);
    }

    /** The loss as the reduction gives it over these rows: PyTorch's 'mean', or the plain 'sum'. */
    public double reducedLoss() {
        return lossSum / normalizer;
    }

    /** Fraction of the rows counted that were predicted right. */
    public double accuracy() {
        return correct / rows;
    }
}
