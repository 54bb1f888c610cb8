package dev.sparktrain.optim.clip;

import java.io.Serializable;

/**
 * Clips one flat gradient vector in place (the tensors of all parameters concatenated, see
 * {@link ClipGradNorm}) before the optimizer step. The norm is summed over fixed
 * {@link NormPieces}, so it can be taken whole ({@link #clip}) or, in a sharded step, as each
 * owner's {@link #partials} of its slice, the driver's {@link #norm} of them all and each owner's
 * {@link #clipSlice}: the same bits either way.
 */
public interface GradientClipper extends Serializable {

    /** The pieces the norm is summed over; a slice given to {@link #partials} starts and ends on their boundaries. */
    NormPieces pieces();

    /** The partials of the pieces in [from, to) from that slice of the gradient ({@code slice[0]} is element from). */
    double[] partials(double[] slice, int from, int to);

    /**
     * The gradient norm before clipping from all pieces' partials in order: for {@link ClipGradNorm}
     * the value {@code clip_grad_norm_} returns (in its norm_type; refused if not finite with
     * error_if_nonfinite); for {@link ClipGradValue} (PyTorch returns nothing) the 2-norm, so that
     * logs can always show it.
     */
    double norm(double[] allPartials);

    /** Clips a slice of the gradient in place, given the {@link #norm} of the whole. */
    void clipSlice(double[] slice, double norm);

    /** Clips {@code grad} in place and returns its {@link #norm} before clipping. */
    default double clip(double[] grad) {
        double norm = norm(partials(grad, 0, grad.length));
        clipSlice(grad, norm);
        return norm;
    }
}
