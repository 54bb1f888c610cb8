package dev.sparktrain.nn;

import java.util.Arrays;
import java.util.Random;

/**
 * {@code torch.nn.LayerNorm(normalized_shape, eps, elementwise_affine)} over each row's features:
 * {@code y = (x − mean)·rstd·γ + β} with the biased variance and {@code rstd = 1/√(var + eps)}.
 * Parameters γ (weight) then β (bias), PyTorch's init ones and zeros; none without
 * elementwise_affine. Backward recomputes each row's mean and rstd from the input rather than
 * keeping them from the forward pass (layers hold no per-batch state). In float32 the
 * element-wise steps and the parameter gradients are float, as in PyTorch's float kernel; each
 * row's reductions (mean, variance, Σ g and Σ g·x̂ of backward) are accumulated in double over the
 * float values and rounded once to float: at least as accurate as PyTorch's float sums.
 */
public final class LayerNorm implements Layer {
    private static final long serialVersionUID = 1L;

    private final int features;
    private final double eps;
    private final boolean affine;

    public LayerNorm(int features, double eps, boolean affine) {
        if (features <= 0) throw new IllegalArgumentException("LayerNorm(" + features + "): normalized_shape must be positive");
        this.features = features;
        this.eps = eps;
        this.affine = affine;
    }

    public double eps() {
        return eps;
    }

    public boolean elementwiseAffine() {
        return affine;
    }

    @Override
    public int inFeatures() {
        return features;
    }

    @Override
    public int outFeatures() {
        return features;
    }

    @Override
    public int paramCount() {
        return affine ? 2 * features : 0;
    }

    @Override
    public int[] tensorSizes() {
        return affine ? new int[] {features, features} : new int[0];
    }

    @Override
    public boolean isBias(int t) {
        return t == 1;
    }

    @Override
    public void init(double[] params, int off, Random rng) {
        if (!affine) return;
        Arrays.fill(params, off, off + features, 1.0);
        Arrays.fill(params, off + features, off + 2 * features, 0.0);
    }

    @Override
    public void forward(double[] params, int off, double[] x, int xOff, int n, double[] y) {
        for (int r = 0; r < n; r++) {
            int xo = xOff + r * features;
            int yo = r * features;
            double mean = mean(x, xo);
            double rstd = rstd(x, xo, mean);
            for (int j = 0; j < features; j++) {
                double h = (x[xo + j] - mean) * rstd;
                y[yo + j] = affine ? h * params[off + j] + params[off + features + j] : h;
            }
        }
    }

    /**
     * With {@code x̂ = (x − mean)·rstd} and {@code g = dy·γ}: {@code dγ += dy·x̂}, {@code dβ += dy},
     * {@code dx = rstd·(g − mean(g) − x̂·mean(g·x̂))}.
     */
    @Override
    public void backward(double[] params, int off, double[] x, int xOff, double[] y, double[] dY, int n,
                         double[] grad, double[] dX) {
        for (int r = 0; r < n; r++) {
            int xo = xOff + r * features;
            int yo = r * features;
            double mean = mean(x, xo);
            double rstd = rstd(x, xo, mean);
            double sumG = 0;
            double sumGH = 0;
            for (int j = 0; j < features; j++) {
                double h = (x[xo + j] - mean) * rstd;
                double g = affine ? dY[yo + j] * params[off + j] : dY[yo + j];
                sumG += g;
                sumGH += g * h;
                if (affine) {
                    grad[off + j] += dY[yo + j] * h;
                    grad[off + features + j] += dY[yo + j];
                }
            }
            if (dX == null) continue;
            double meanG = sumG / features;
            double meanGH = sumGH / features;
            for (int j = 0; j < features; j++) {
                double h = (x[xo + j] - mean) * rstd;
                double g = affine ? dY[yo + j] * params[off + j] : dY[yo + j];
                dX[yo + j] = rstd * (g - meanG - h * meanGH);
            }
        }
    }

    @Override
    public void forward32(float[] params, int off, float[] x, int xOff, int n, float[] y, Pass pass) {
        for (int r = 0; r < n; r++) {
            int xo = xOff + r * features;
            int yo = r * features;
            double mean = mean(x, xo);
            float meanF = (float) mean;
            float rstd = (float) rstd(x, xo, mean);
            for (int j = 0; j < features; j++) {
                float h = (x[xo + j] - meanF) * rstd;
                y[yo + j] = affine ? h * params[off + j] + params[off + features + j] : h;
            }
        }
    }

    /** {@link #backward} in float32: the row sums in double, rounded once; everything else float. */
    @Override
    public void backward32(float[] params, int off, float[] x, int xOff, float[] y, float[] dY, int n,
                           float[] grad, float[] dX, Pass pass) {
        for (int r = 0; r < n; r++) {
            int xo = xOff + r * features;
            int yo = r * features;
            double mean = mean(x, xo);
            float meanF = (float) mean;
            float rstd = (float) rstd(x, xo, mean);
            double sumG = 0;
            double sumGH = 0;
            for (int j = 0; j < features; j++) {
                float h = (x[xo + j] - meanF) * rstd;
                float g = affine ? dY[yo + j] * params[off + j] : dY[yo + j];
                sumG += g;
                sumGH += (double) g * h;
                if (affine) {
                    grad[off + j] += dY[yo + j] * h;
                    grad[off + features + j] += dY[yo + j];
                }
            }
            if (dX == null) continue;
            float meanG = (float) (sumG / features);
            float meanGH = (float) (sumGH / features);
            for (int j = 0; j < features; j++) {
                float h = (x[xo + j] - meanF) * rstd;
                float g = affine ? dY[yo + j] * params[off + j] : dY[yo + j];
                dX[yo + j] = rstd * (g - meanG - h * meanGH);
            }
        }
    }

    /** A float row's mean, summed in double. */
    private double mean(float[] x, int xo) {
        double s = 0;
        for (int j = 0; j < features; j++) s += x[xo + j];
        return s / features;
    }

    /** {@link #rstd(double[], int, double)} of a float row, in double. */
    private double rstd(float[] x, int xo, double mean) {
        double s = 0;
        for (int j = 0; j < features; j++) {
            double d = x[xo + j] - mean;
            s += d * d;
        }
        return 1 / Math.sqrt(s / features + eps);
    }

    private double mean(double[] x, int xo) {
        double s = 0;
        for (int j = 0; j < features; j++) s += x[xo + j];
        return s / features;
    }

    /** 1/√(biased variance + eps); the variance from the centred values (no cancellation). */
    private double rstd(double[] x, int xo, double mean) {
        double s = 0;
        for (int j = 0; j < features; j++) {
            double d = x[xo + j] - mean;
            s += d * d;
        }
        return 1 / Math.sqrt(s / features + eps);
    }

    @Override
    public String spec() {
        return "LayerNorm(" + features + (eps == 1e-5 ? "" : ", eps=" + Pointwise.number(eps))
                + (affine ? "" : ", elementwise_affine=False") + ")";
    }
}
