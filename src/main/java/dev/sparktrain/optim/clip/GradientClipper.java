package dev.sparktrain.optim.clip;

import java.io.Serializable;

/**
 * Clips one flat gradient vector in place (the tensors of all parameters concatenated, see
 * {@link ClipGradNorm}) before the optimizer step.
 */
public interface GradientClipper extends Serializable {

    /**
     * Clips {@code grad} in place and returns the gradient norm before clipping: for
     * {@link ClipGradNorm} the value {@code clip_grad_norm_} returns (in its norm_type); for
     * {@link ClipGradValue} (PyTorch returns nothing) the 2-norm, so that logs can always show it.
     */
    double clip(double[] grad);
}
