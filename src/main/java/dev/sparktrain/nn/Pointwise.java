package dev.sparktrain.nn;

/**
 * A parameter-free element-wise layer ({@code y = f(x)} unit by unit): the subclass gives f and
 * its gradient, this class the loops. ReLU, Tanh and Sigmoid stay in {@link Activation}, whose
 * loops the kernel's hot path was measured with.
 */
public abstract class Pointwise implements Layer {
    private static final long serialVersionUID = 1L;

    private final int features;

    protected Pointwise(int features) {
        this.features = features;
    }

    /** f(x). */
    abstract double value(double x);

    /** dL/dx from the input x, the output y = f(x) and dL/dy. */
    abstract double grad(double x, double y, double dy);

    @Override
    public final int inFeatures() {
        return features;
    }

    @Override
    public final int outFeatures() {
        return features;
    }

    @Override
    public void forward(double[] params, int off, double[] x, int xOff, int n, double[] y) {
        int len = n * features;
        for (int i = 0; i < len; i++) y[i] = value(x[xOff + i]);
    }

    @Override
    public void backward(double[] params, int off, double[] x, int xOff, double[] y, double[] dY, int n,
                         double[] grad, double[] dX) {
        if (dX == null) return;
        int len = n * features;
        for (int i = 0; i < len; i++) dX[i] = grad(x[xOff + i], y[i], dY[i]);
    }

    /** In float32: f and its gradient evaluated in double at the float arguments, rounded once. */
    @Override
    public void forward32(float[] params, int off, float[] x, int xOff, int n, float[] y, Pass pass) {
        int len = n * features;
        for (int i = 0; i < len; i++) y[i] = (float) value(x[xOff + i]);
    }

    @Override
    public void backward32(float[] params, int off, float[] x, int xOff, float[] y, float[] dY, int n,
                           float[] grad, float[] dX, Pass pass) {
        if (dX == null) return;
        int len = n * features;
        for (int i = 0; i < len; i++) dX[i] = (float) grad(x[xOff + i], y[i], dY[i]);
    }

    /** A double as Python reads it back ({@code 0.1}, {@code 1.0e-5}), for {@link #spec()}s. */
    static String number(double v) {
        return Double.toString(v).replace('E', 'e');
    }
}
