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

    /** Unpacks a kernel sums vector laid out as {@code [grad(0..d), loss, normalizer, rows, correct]}. */
    public static StepSums of(double[] kernelSums, boolean withGradient) {
        int d = kernelSums.length - BatchKernel.STATS;
        return new StepSums(withGradient ? Arrays.copyOf(kernelSums, d) : new double[0],
                kernelSums[d + BatchKernel.LOSS], kernelSums[d + BatchKernel.NORM],
                (long) kernelSums[d + BatchKernel.ROWS], kernelSums[d + BatchKernel.CORRECT]);
    }

    /**
     * The sum of partitions' kernel sums vectors, added element by element in the order given (a
     * fixed order makes the result independent of task timing). The gradient is summed straight
     * into its own array, and not at all for validation.
     */
    public static StepSums sumInOrder(double[][] kernelParts, int d, boolean withGradient) {
        double[] grad = new double[withGradient ? d : 0];
        double loss = 0;
        double normalizer = 0;
        double rows = 0;
        double correct = 0;
        for (double[] s : kernelParts) {
            for (int i = 0; i < grad.length; i++) grad[i] += s[i];
            loss += s[d + BatchKernel.LOSS];
            normalizer += s[d + BatchKernel.NORM];
            rows += s[d + BatchKernel.ROWS];
            correct += s[d + BatchKernel.CORRECT];
        }
        return new StepSums(grad, loss, normalizer, (long) rows, correct);
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
