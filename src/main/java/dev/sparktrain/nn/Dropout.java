package dev.sparktrain.nn;

/**
 * {@code torch.nn.Dropout(p)}: in train mode each unit of each row is zeroed with probability p
 * and the kept ones are scaled by 1/(1-p); in eval mode it is the identity. Which units are kept
 * is a hash of (step key, global row index, unit) ({@link Pass}), so the same row draws the same
 * mask on any partitioning, thread or task attempt, and backward recomputes the mask instead of
 * storing it. PyTorch's masks come from its own generator: numbers match PyTorch's only at p = 0.
 * In float32 the mask is the same and kept units are scaled by {@code 1f / (float) (1-p)}, as
 * PyTorch's CPU kernel computes the scale of a float tensor (one ulp from 1/(1-p) rounded, for some p).
 */
public final class Dropout implements Layer {
    private static final long serialVersionUID = 1L;

    private final double p;
    private final double scale;
    private final int features;

    public Dropout(double p, int features) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1], got " + p);
        this.p = p;
        this.scale = p == 1 ? 0.0 : 1.0 / (1.0 - p);
        this.features = features;
    }

    public double p() {
        return p;
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
    public boolean drawsPerRow() {
        return p > 0;
    }

    /** Eval mode: the identity. */
    @Override
    public void forward(double[] params, int off, double[] x, int xOff, int n, double[] y) {
        System.arraycopy(x, xOff, y, 0, n * features);
    }

    @Override
    public void backward(double[] params, int off, double[] x, int xOff, double[] y, double[] dY, int n,
                         double[] grad, double[] dX) {
        if (dX != null) System.arraycopy(dY, 0, dX, 0, n * features);
    }

    @Override
    public void forward(double[] params, int off, double[] x, int xOff, int n, double[] y, Pass pass) {
        if (!pass.training() || p == 0) {
            forward(params, off, x, xOff, n, y);
            return;
        }
        for (int r = 0; r < n; r++) {
            int o = r * features;
            for (int j = 0; j < features; j++) y[o + j] = kept(pass, r, j) ? x[xOff + o + j] * scale : 0.0;
        }
    }

    @Override
    public void backward(double[] params, int off, double[] x, int xOff, double[] y, double[] dY, int n,
                         double[] grad, double[] dX, Pass pass) {
        if (dX == null) return;
        if (!pass.training() || p == 0) {
            backward(params, off, x, xOff, y, dY, n, grad, dX);
            return;
        }
        for (int r = 0; r < n; r++) {
            int o = r * features;
            for (int j = 0; j < features; j++) dX[o + j] = kept(pass, r, j) ? dY[o + j] * scale : 0.0;
        }
    }

    /** The float32 scale, PyTorch's way: {@code noise.div_(1 - p)} on a float tensor divides in float. */
    private float scale32() {
        return p == 1 ? 0f : 1f / (float) (1 - p);
    }

    @Override
    public void forward32(float[] params, int off, float[] x, int xOff, int n, float[] y, Pass pass) {
        if (!pass.training() || p == 0) {
            System.arraycopy(x, xOff, y, 0, n * features);
            return;
        }
        float s = scale32();
        for (int r = 0; r < n; r++) {
            int o = r * features;
            for (int j = 0; j < features; j++) y[o + j] = kept(pass, r, j) ? x[xOff + o + j] * s : 0f;
        }
    }

    @Override
    public void backward32(float[] params, int off, float[] x, int xOff, float[] y, float[] dY, int n,
                           float[] grad, float[] dX, Pass pass) {
        if (dX == null) return;
        if (!pass.training() || p == 0) {
            System.arraycopy(dY, 0, dX, 0, n * features);
            return;
        }
        float s = scale32();
        for (int r = 0; r < n; r++) {
            int o = r * features;
            for (int j = 0; j < features; j++) dX[o + j] = kept(pass, r, j) ? dY[o + j] * s : 0f;
        }
    }

    /** Unit j of chunk row r survives: its uniform draw is at least p (so p = 1 keeps none). */
    private boolean kept(Pass pass, int r, int j) {
        return pass.uniform(r, j) >= p;
    }

    @Override
    public String spec() {
        return "Dropout(p=" + p + ")";
    }
}
