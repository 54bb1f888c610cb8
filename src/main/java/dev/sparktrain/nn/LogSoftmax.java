package dev.sparktrain.nn;

/**
 * {@code torch.nn.LogSoftmax(dim=1)} over each row: {@code y = x − max − log Σ e^(x − max)};
 * gradient {@code dx = dy − e^y·Σ dy}. Put before {@code NLLLoss} (CrossEntropyLoss after it
 * gives the same numbers, as log-softmax of log-probabilities is the identity). In float32 the
 * element-wise steps are float as in PyTorch's kernel ({@code (x − max) − log Σ}, {@code dy − e^y·Σ dy});
 * the row sums are accumulated in double and rounded once, at least as accurate as PyTorch's float sums.
 */
public final class LogSoftmax implements Layer {
    private static final long serialVersionUID = 1L;

    private final int features;

    public LogSoftmax(int features) {
        this.features = features;
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
    public void forward(double[] params, int off, double[] x, int xOff, int n, double[] y) {
        for (int r = 0; r < n; r++) {
            int xo = xOff + r * features;
            int yo = r * features;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < features; j++) max = Math.max(max, x[xo + j]);
            double sum = 0;
            for (int j = 0; j < features; j++) sum += Math.exp(x[xo + j] - max);
            double logSum = Math.log(sum);
            for (int j = 0; j < features; j++) y[yo + j] = x[xo + j] - max - logSum;
        }
    }

    @Override
    public void backward(double[] params, int off, double[] x, int xOff, double[] y, double[] dY, int n,
                         double[] grad, double[] dX) {
        if (dX == null) return;
        for (int r = 0; r < n; r++) {
            int o = r * features;
            double sum = 0;
            for (int j = 0; j < features; j++) sum += dY[o + j];
            for (int j = 0; j < features; j++) dX[o + j] = dY[o + j] - Math.exp(y[o + j]) * sum;
        }
    }

    @Override
    public void forward32(float[] params, int off, float[] x, int xOff, int n, float[] y, Pass pass) {
        for (int r = 0; r < n; r++) {
            int xo = xOff + r * features;
            int yo = r * features;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < features; j++) max = Math.max(max, x[xo + j]);
            double sum = 0;
            for (int j = 0; j < features; j++) sum += Math.exp(x[xo + j] - max);
            float logSum = (float) Math.log(sum);
            for (int j = 0; j < features; j++) y[yo + j] = x[xo + j] - max - logSum;
        }
    }

    @Override
    public void backward32(float[] params, int off, float[] x, int xOff, float[] y, float[] dY, int n,
                           float[] grad, float[] dX, Pass pass) {
        if (dX == null) return;
        for (int r = 0; r < n; r++) {
            int o = r * features;
            double sum = 0;
            for (int j = 0; j < features; j++) sum += dY[o + j];
            float s = (float) sum;
            for (int j = 0; j < features; j++) dX[o + j] = dY[o + j] - (float) Math.exp(y[o + j]) * s;
        }
    }

    @Override
    public String spec() {
        return "LogSoftmax(dim=1)";
    }
}
