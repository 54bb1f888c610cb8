package dev.sparktrain.optim.clip;

import dev.sparktrain.SparkTrainException;

/**
 * {@code torch.nn.utils.clip_grad_value_}: clamps every element to {@code [-clip_value, clip_value]}.
 * Its {@link #norm} is the 2-norm before clamping (for logging), summed over the {@link NormPieces}.
 */
public final class ClipGradValue implements GradientClipper {
    private static final long serialVersionUID = 1L;
    private final double clipValue;
    private final NormPieces pieces;

    /** @param tensorSizes element counts of the tensors in the gradient, in order: the pieces of the logged norm */
    public ClipGradValue(double clipValue, int[] tensorSizes) {
        // PyTorch accepts any value, but <= 0 would zero or scramble every gradient.
        if (!(clipValue > 0)) throw new SparkTrainException("clip_grad_value_: clip_value must be > 0, got " + clipValue);
        this.clipValue = clipValue;
        this.pieces = new NormPieces(tensorSizes);
    }

    public double clipValue() {
        return clipValue;
    }

    @Override
    public NormPieces pieces() {
        return pieces;
    }

    @Override
    public double[] partials(double[] slice, int from, int to) {
        return pieces.partials(slice, from, to, 2);
    }

    @Override
    public double norm(double[] allPartials) {
        return pieces.norm2FromPartials(allPartials);
    }

    /** Clamps in place; the norm is not needed. */
    @Override
    public void clipSlice(double[] slice, double norm) {
        final double v = clipValue;
        for (int i = 0; i < slice.length; i++) {
            double g = slice[i];
            // NaN fails both tests and stays NaN, as with torch.clamp.
            if (g > v) slice[i] = v;
            else if (g < -v) slice[i] = -v;
        }
    }

    @Override
    public String toString() {
        return "ClipGradValue(clip_value=" + clipValue + ")";
    }
}
