package dev.sparktrain.nn;

import java.util.Arrays;
import java.util.List;

/**
 * The float32 forward and backward of one chunk ({@link Precision#FLOAT32}), for {@link BatchKernel}.
 * Each call takes a float32 copy of the float64 weights (the master copy, which the optimizer
 * updates); activations, deltas and the chunk's parameter gradient are float. The gradient of a
 * chunk is summed in float (sgemm over the chunk's rows) and widened into the float64 sums before
 * the next chunk starts, so no float sum spans two chunks and the chunks' order stays the one the
 * float64 path uses: the same bits on any partitioning. A CSR first layer reads the float64
 * weights at its non-zeros, rounding each to float, and adds its products (float) into the
 * float64 sums: a million-column layer is neither copied nor zeroed per chunk.
 */
final class Kernel32 {
    private final Sequential model;
    private float[] params = new float[0];
    private float[] grad = new float[0];
    private float[] x = new float[0];
    private float[][] act;
    private float[][] delta;
    private double[] out = new double[0];
    private double[] dOut = new double[0];
    private int capacity;

    Kernel32(Sequential model) {
        this.model = model;
    }

    /** Rounds the float64 weights from layer {@code lowest} on to float (a CSR first layer is read in place). */
    void load(double[] master, int lowest) {
        int d = model.paramCount();
        if (params.length < d) params = new float[d];
        for (int i = from(lowest); i < d; i++) params[i] = (float) master[i];
    }

    /** Where layer {@code lowest}'s parameters start; the end for a CSR model of one layer (lowest 1). */
    private int from(int lowest) {
        return lowest < model.layers().size() ? model.offset(lowest) : model.paramCount();
    }

    /**
     * Forward over m rows of dense input (x64 or x32, one of them, starting at element xOff);
     * returns the model's outputs widened to float64.
     */
    double[] forward(double[] x64, float[] x32, int xOff, int m, Pass pass) {
        ensure(m);
        float[] in = x32;
        int inOff = xOff;
        if (x64 != null) {
            int len = m * model.inFeatures();
            if (x.length < len) x = new float[len];
            for (int i = 0; i < len; i++) x[i] = (float) x64[xOff + i];
            in = x;
            inOff = 0;
        }
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            layers.get(i).forward32(params, model.offset(i), in, inOff, m, act[i], pass);
            in = act[i];
            inOff = 0;
        }
        return widenOut(m);
    }

    /** The input of the last dense forward: x32 in place, or the chunk narrowed into scratch. */
    private float[] input(float[] x32) {
        return x32 != null ? x32 : x;
    }

    /** Forward over CSR rows [row, row+m): the first Linear reads the float64 weights at the non-zeros. */
    double[] forwardCsr(Linear first, double[] master, int[] ptr, int[] idx, double[] val, int row, int m, Pass pass) {
        ensure(m);
        List<Layer> layers = model.layers();
        first.forwardCsr32(master, model.offset(0), ptr, idx, val, row, m, act[0]);
        for (int i = 1; i < layers.size(); i++) layers.get(i).forward32(params, model.offset(i), act[i - 1], 0, m, act[i], pass);
        return widenOut(m);
    }

    /** Where the loss writes d(loss)/d(outputs) in float64, m × outFeatures, before {@link #backward}. */
    double[] lossGradient() {
        return dOut;
    }

    /**
     * Backward of the chunk last forwarded (dense input x64/x32 at xOff, or CSR when ptr is not
     * null): the chunk's gradient in float, then added into the float64 sums.
     */
    void backward(double[] x64, float[] x32, int xOff, int[] ptr, int[] idx, double[] val, int row, int m,
                  double[] sums, Pass pass) {
        List<Layer> layers = model.layers();
        int last = layers.size() - 1;
        int len = m * model.outFeatures();
        for (int i = 0; i < len; i++) delta[last][i] = (float) dOut[i];
        int lowest = ptr == null ? 0 : 1;
        int from = from(lowest);
        int d = model.paramCount();
        Arrays.fill(grad, from, d, 0f);
        for (int i = last; i >= lowest; i--) {
            float[] in = i == 0 ? input(x32) : act[i - 1];
            int inOff = i == 0 && x32 != null ? xOff : 0;
            float[] dIn = i == 0 ? null : delta[i - 1];
            layers.get(i).backward32(params, model.offset(i), in, inOff, act[i], delta[i], m, grad, dIn, pass);
        }
        for (int i = from; i < d; i++) sums[i] += grad[i];
        if (ptr != null) ((Linear) layers.get(0)).backwardCsr32(model.offset(0), ptr, idx, val, row, m, delta[0], sums);
    }

    private double[] widenOut(int m) {
        float[] o = act[model.layers().size() - 1];
        int len = m * model.outFeatures();
        for (int i = 0; i < len; i++) out[i] = o[i];
        return out;
    }

    private void ensure(int m) {
        if (act != null && capacity >= m) return;
        capacity = Math.max(m, capacity);
        int n = model.layers().size();
        act = new float[n][];
        delta = new float[n][];
        for (int i = 0; i < n; i++) {
            int w = model.layers().get(i).outFeatures();
            act[i] = new float[capacity * w];
            delta[i] = new float[capacity * w];
        }
        out = new double[capacity * model.outFeatures()];
        dOut = new double[capacity * model.outFeatures()];
        if (grad.length < model.paramCount()) grad = new float[model.paramCount()];
    }
}
