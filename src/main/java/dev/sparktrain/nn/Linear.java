package dev.sparktrain.nn;

import dev.ludovic.netlib.blas.BLAS;

import java.util.Random;

/**
 * {@code torch.nn.Linear}: {@code y = x·Wᵀ + b}, W stored {@code [out, in]} row-major then b, as
 * PyTorch lays them out; with {@code bias=False} there is no b and {@code y = x·Wᵀ}. Batch products go through netlib BLAS (column-major), reading our
 * row-major matrices as their transposes.
 */
public final class Linear implements Layer {
    static {
        NativeBlas.prepare(); // before netlib loads: no native noise on a machine without libblas.so.3
    }

    private final int in;
    private final int out;
    private final boolean bias;

    public Linear(int in, int out) {
        this(in, out, true);
    }

    public Linear(int in, int out, boolean bias) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear(" + in + ", " + out + "): sizes must be positive");
        this.in = in;
        this.out = out;
        this.bias = bias;
    }

    public boolean hasBias() {
        return bias;
    }

    @Override
    public int inFeatures() {
        return in;
    }

    @Override
    public int outFeatures() {
        return out;
    }

    @Override
    public int paramCount() {
        return in * out + (bias ? out : 0);
    }

    @Override
    public int[] tensorSizes() {
        return bias ? new int[] {in * out, out} : new int[] {in * out};
    }

    @Override
    public boolean isBias(int t) {
        return t == 1;
    }

    /** Kaiming-uniform with a=√5 for W and uniform for b: both come to ±1/√fan_in (one draw per parameter, in order). */
    @Override
    public void init(double[] params, int off, Random rng) {
        double bound = 1.0 / Math.sqrt(in);
        for (int i = 0; i < paramCount(); i++) params[off + i] = (2 * rng.nextDouble() - 1) * bound;
    }

    @Override
    public void forward(double[] params, int off, double[] x, int xOff, int n, double[] y) {
        int b = off + in * out;
        if (out == 1) { // logistic/linear regression: a matrix-vector product (dgemm with m=1 is ~2.4x slower)
            java.util.Arrays.fill(y, 0, n, bias ? params[b] : 0.0);
            BLAS.getInstance().dgemv("T", in, n, 1.0, x, xOff, in, params, off, 1, 1.0, y, 0, 1);
            return;
        }
        if (bias) for (int r = 0; r < n; r++) System.arraycopy(params, b, y, r * out, out);
        BLAS.getInstance().dgemm("T", "N", out, n, in, 1.0, params, off, in, x, xOff, in, bias ? 1.0 : 0.0, y, 0, out);
    }

    @Override
    public void backward(double[] params, int off, double[] x, int xOff, double[] y, double[] dY, int n,
                         double[] grad, double[] dX) {
        BLAS blas = BLAS.getInstance();
        // dW (col-major in×out) += X(col-major in×n) · dY(col-major out×n)ᵀ
        if (out == 1) blas.dgemv("N", in, n, 1.0, x, xOff, in, dY, 0, 1, 1.0, grad, off, 1);
        else blas.dgemm("N", "T", in, out, n, 1.0, x, xOff, in, dY, 0, out, 1.0, grad, off, in);
        if (bias) biasGradient(dY, n, grad, off + in * out);
        if (dX != null) {
            // dX (col-major in×n) = W(col-major in×out) · dY(col-major out×n)
            blas.dgemm("N", "N", in, n, out, 1.0, params, off, in, dY, 0, out, 0.0, dX, 0, in);
        }
    }

    @Override
    public void forward32(float[] params, int off, float[] x, int xOff, int n, float[] y, Pass pass) {
        int b = off + in * out;
        if (out == 1) {
            java.util.Arrays.fill(y, 0, n, bias ? params[b] : 0f);
            BLAS.getInstance().sgemv("T", in, n, 1f, x, xOff, in, params, off, 1, 1f, y, 0, 1);
            return;
        }
        if (bias) for (int r = 0; r < n; r++) System.arraycopy(params, b, y, r * out, out);
        BLAS.getInstance().sgemm("T", "N", out, n, in, 1f, params, off, in, x, xOff, in, bias ? 1f : 0f, y, 0, out);
    }

    @Override
    public void backward32(float[] params, int off, float[] x, int xOff, float[] y, float[] dY, int n,
                           float[] grad, float[] dX, Pass pass) {
        BLAS blas = BLAS.getInstance();
        if (out == 1) blas.sgemv("N", in, n, 1f, x, xOff, in, dY, 0, 1, 1f, grad, off, 1);
        else blas.sgemm("N", "T", in, out, n, 1f, x, xOff, in, dY, 0, out, 1f, grad, off, in);
        if (bias) biasGradient(dY, n, grad, off + in * out);
        if (dX != null) blas.sgemm("N", "N", in, n, out, 1f, params, off, in, dY, 0, out, 0f, dX, 0, in);
    }

    /**
     * {@code grad[b + j] += Σ_r dY[r, j]}, the rows added in order one by one as a loop over rows
     * would, but in a register: the same bits, without a load and a store per row.
     */
    private void biasGradient(double[] dY, int n, double[] grad, int b) {
        for (int j = 0; j < out; j++) {
            double acc = grad[b + j];
            for (int r = 0, i = j; r < n; r++, i += out) acc += dY[i];
            grad[b + j] = acc;
        }
    }

    /** {@link #biasGradient(double[], int, double[], int)} in float. */
    private void biasGradient(float[] dY, int n, float[] grad, int b) {
        for (int j = 0; j < out; j++) {
            float acc = grad[b + j];
            for (int r = 0, i = j; r < n; r++, i += out) acc += dY[i];
            grad[b + j] = acc;
        }
    }

    /**
     * {@link #forwardCsr} in float32: each weight it reads is the float64 master value rounded to
     * float (the layer may be far too wide to copy per step), products and sums are float.
     */
    public void forwardCsr32(double[] params, int off, int[] ptr, int[] idx, double[] val, int row, int n, float[] y) {
        int b = off + in * out;
        for (int r = 0; r < n; r++) {
            int yo = r * out;
            for (int j = 0; j < out; j++) y[yo + j] = bias ? (float) params[b + j] : 0f;
            for (int k = ptr[row + r], end = ptr[row + r + 1]; k < end; k++) {
                int w = off + idx[k];
                float v = (float) val[k];
                for (int j = 0; j < out; j++) y[yo + j] += v * (float) params[w + j * in];
            }
        }
    }

    /**
     * {@link #backwardCsr} in float32: each product {@code x·dY} is float, added straight into the
     * float64 {@code grad} (the layer's columns are touched sparsely, so they are not staged in float).
     */
    public void backwardCsr32(int off, int[] ptr, int[] idx, double[] val, int row, int n, float[] dY, double[] grad) {
        int b = off + in * out;
        for (int r = 0; r < n; r++) {
            int ro = r * out;
            for (int k = ptr[row + r], end = ptr[row + r + 1]; k < end; k++) {
                int w = off + idx[k];
                float v = (float) val[k];
                for (int j = 0; j < out; j++) grad[w + j * in] += v * dY[ro + j];
            }
            if (bias) for (int j = 0; j < out; j++) grad[b + j] += dY[ro + j];
        }
    }

    /**
     * Forward over CSR rows {@code row .. row+n}: row r's non-zeros are
     * {@code idx/val[ptr[r] .. ptr[r+1])}. {@code y[r,j] = b[j] + Σ_k val[k]·W[j, idx[k]]}: only
     * the columns of W at present features are read; nothing is densified.
     */
    public void forwardCsr(double[] params, int off, int[] ptr, int[] idx, double[] val, int row, int n, double[] y) {
        int b = off + in * out;
        for (int r = 0; r < n; r++) {
            int yo = r * out;
            if (bias) System.arraycopy(params, b, y, yo, out);
            else java.util.Arrays.fill(y, yo, yo + out, 0.0);
            for (int k = ptr[row + r], end = ptr[row + r + 1]; k < end; k++) {
                int w = off + idx[k];
                double v = val[k];
                for (int j = 0; j < out; j++) y[yo + j] += v * params[w + j * in];
            }
        }
    }

    /**
     * Backward for CSR input (a first layer: no gradient with respect to the input). Adds
     * {@code dW[j, f] += Σ_r dY[r,j]·x[r,f]} at the present features f only, and the bias
     * gradient (when there is a bias), into the flat {@code grad}.
     */
    public void backwardCsr(int off, int[] ptr, int[] idx, double[] val, int row, int n, double[] dY, double[] grad) {
        int b = off + in * out;
        for (int r = 0; r < n; r++) {
            int ro = r * out;
            for (int k = ptr[row + r], end = ptr[row + r + 1]; k < end; k++) {
                int w = off + idx[k];
                double v = val[k];
                for (int j = 0; j < out; j++) grad[w + j * in] += v * dY[ro + j];
            }
            if (bias) for (int j = 0; j < out; j++) grad[b + j] += dY[ro + j];
        }
    }

    @Override
    public String spec() {
        return "Linear(" + in + ", " + out + (bias ? "" : ", bias=False") + ")";
    }

    /** The weight is {@code [out, in]}; the bias (when there is one) {@code [out]}. */
    @Override
    public long[][] tensorShapes() {
        long[][] shapes = Layer.super.tensorShapes();
        shapes[0] = new long[] {out, in};
        return shapes;
    }
}
