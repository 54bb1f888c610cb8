package dev.sparktrain.optim.clip;

import dev.sparktrain.SparkTrainException;

/**
 * {@code torch.nn.utils.clip_grad_norm_} (1.13.1) over one flat gradient holding several tensors.
 *
 * <p>The total norm is the p-norm of the per-tensor p-norms (for ∞: the max of the per-tensor
 * max-abs), which is why the tensor boundaries are needed: for p ≠ 2 it is not the same rounding
 * as one norm over the flat vector. Every element is multiplied by
 * {@code min(1, max_norm / (total + 1e-6))}; a NaN total makes the gradient NaN, as in PyTorch
 * unless {@code error_if_nonfinite}.
 */
public final class ClipGradNorm implements GradientClipper {
    private static final long serialVersionUID = 1L;
    /** PyTorch adds this to the total norm before dividing. */
    public static final double EPS = 1e-6;

    private final double maxNorm;
    private final double normType;
    private final boolean errorIfNonfinite;
    private final NormPieces pieces;

    /**
     * @param tensorSizes element counts of the tensors in {@code grad}, in order (sizes may be 0)
     */
    public ClipGradNorm(double maxNorm, double normType, boolean errorIfNonfinite, int[] tensorSizes) {
        if (!(maxNorm > 0)) throw new SparkTrainException("clip_grad_norm_: max_norm must be > 0, got " + maxNorm);
        if (!(normType > 0)) {
            throw new SparkTrainException("clip_grad_norm_: norm_type must be > 0 or inf, got " + normType);
        }
        for (int i = 0; i < tensorSizes.length; i++) {
            if (tensorSizes[i] < 0) throw new SparkTrainException("clip_grad_norm_: tensor " + i + " has negative size " + tensorSizes[i]);
        }
        this.maxNorm = maxNorm;
        this.normType = normType;
        this.errorIfNonfinite = errorIfNonfinite;
        this.pieces = new NormPieces(tensorSizes);
    }

    public double maxNorm() {
        return maxNorm;
    }

    public double normType() {
        return normType;
    }

    @Override
    public NormPieces pieces() {
        return pieces;
    }

    /** The norm clip_grad_norm_ would compute, without changing {@code grad}. */
    public double totalNorm(double[] grad) {
        checkLength(grad);
        return pieces.total(pieces.partials(grad, normType), normType);
    }

    /** The factor clip_grad_norm_ applies for this total norm. */
    public double coefficient(double totalNorm) {
        return Math.min(1.0, maxNorm / (totalNorm + EPS));   // Math.min keeps NaN, like torch.clamp
    }

    @Override
    public double[] partials(double[] slice, int from, int to) {
        return pieces.partials(slice, from, to, normType);
    }

    @Override
    public double norm(double[] allPartials) {
        double total = pieces.total(allPartials, normType);
        if (errorIfNonfinite && !Double.isFinite(total)) {
            throw new SparkTrainException("clip_grad_norm_: the total norm of order " + normType
                    + " of the gradients is " + total + ", so it cannot be clipped");
        }
        return total;
    }

    @Override
    public void clipSlice(double[] slice, double totalNorm) {
        double coef = coefficient(totalNorm);
        if (coef != 1.0) {            // multiplying by exactly 1 changes nothing
            for (int i = 0; i < slice.length; i++) slice[i] *= coef;
        }
    }

    @Override
    public double clip(double[] grad) {
        checkLength(grad);
        return GradientClipper.super.clip(grad);
    }

    private void checkLength(double[] grad) {
        if (pieces.size() != grad.length) {
            throw new SparkTrainException("clip_grad_norm_: tensor sizes add up to " + pieces.size()
                    + " but the gradient has " + grad.length + " values");
        }
    }

    @Override
    public String toString() {
        return "ClipGradNorm(max_norm=" + maxNorm + ", norm_type=" + normType + ")";
    }
}
