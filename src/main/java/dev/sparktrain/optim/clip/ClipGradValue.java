package dev.sparktrain.optim.clip;

import dev.sparktrain.SparkTrainException;

/** {@code torch.nn.utils.clip_grad_value_}: clamps every element to {@code [-clip_value, clip_value]}. */
public final class ClipGradValue implements GradientClipper {
    private static final long serialVersionUID = 1L;
    private final double clipValue;

    public ClipGradValue(double clipValue) {
        // PyTorch accepts any value, but <= 0 would zero or scramble every gradient.
        if (!(clipValue > 0)) throw new SparkTrainException("clip_grad_value_: clip_value must be > 0, got " + clipValue);
        this.clipValue = clipValue;
    }

    public double clipValue() {
        return clipValue;
    }

    /** Clamps in place; returns the 2-norm of the gradient before clamping (for logging). */
    @Override
    public double clip(double[] grad) {
        final double v = clipValue;
        double s = 0;
        for (int i = 0; i < grad.length; i++) {
            double g = grad[i];
            s += g * g;
            // NaN fails both tests and stays NaN, as with torch.clamp.
            if (g > v) grad[i] = v;
            else if (g < -v) grad[i] = -v;
        }
        return Math.sqrt(s);
    }

    @Override
    public String toString() {
        return "ClipGradValue(clip_value=" + clipValue + ")";
    }
}
