package dev.sparktrain.nn;

import java.io.Serializable;
import java.util.Random;

/**
 * One layer of a {@link Sequential}, working on a whole batch at once. Activations are row-major
 * {@code n × features}; parameters are a slice of the model's one flat vector starting at
 * {@code off}. A layer holds no mutable state, so one instance serves every thread.
 */
public interface Layer extends Serializable {
    int inFeatures();

    int outFeatures();

    /** Number of parameters this layer owns in the flat vector. */
    default int paramCount() {
        return 0;
    }

    /** Sizes of this layer's parameter tensors in order (e.g. weight then bias), for clipping. */
    default int[] tensorSizes() {
        return new int[0];
    }

    /**
     * Whether tensor {@code t} of {@link #tensorSizes()} is a bias: the {@code param_groups.bias}
     * group holds every bias (a Linear's second tensor, a LayerNorm's bias).
     */
    default boolean isBias(int t) {
        return false;
    }

    /** PyTorch's default initialisation of this layer's slice. */
    default void init(double[] params, int off, Random rng) {
    }

    /** {@code out[0 .. n*outFeatures)} = layer(in rows starting at {@code inOff}). */
    void forward(double[] params, int off, double[] in, int inOff, int n, double[] out);

    /**
     * Adds this layer's parameter gradients into {@code grad} (same offsets as params) and, when
     * {@code dIn} is not null, writes the gradient with respect to the input.
     */
    void backward(double[] params, int off, double[] in, int inOff, double[] out, double[] dOut, int n,
                  double[] grad, double[] dIn);

    /**
     * {@link #forward} in a mode: layers that behave differently in training (Dropout) override
     * this; the rest ignore the pass.
     */
    default void forward(double[] params, int off, double[] in, int inOff, int n, double[] out, Pass pass) {
        forward(params, off, in, inOff, n, out);
    }

    /** {@link #backward} in the mode of the forward pass it follows. */
    default void backward(double[] params, int off, double[] in, int inOff, double[] out, double[] dOut, int n,
                          double[] grad, double[] dIn, Pass pass) {
        backward(params, off, in, inOff, out, dOut, n, grad, dIn);
    }

    /**
     * {@link #forward(double[], int, double[], int, int, double[], Pass)} in float32
     * ({@link Precision#FLOAT32}): {@code params} is the step's float32 copy of the weights at the
     * same offsets, activations are float.
     */
    default void forward32(float[] params, int off, float[] in, int inOff, int n, float[] out, Pass pass) {
        throw new UnsupportedOperationException(spec() + " has no float32 path");
    }

    /**
     * {@link #backward(double[], int, double[], int, double[], double[], int, double[], double[], Pass)}
     * in float32: adds this chunk's parameter gradients into the float {@code grad} (zeroed by the
     * kernel before each chunk, so float sums never span two chunks) and writes {@code dIn} when not null.
     */
    default void backward32(float[] params, int off, float[] in, int inOff, float[] out, float[] dOut, int n,
                            float[] grad, float[] dIn, Pass pass) {
        throw new UnsupportedOperationException(spec() + " has no float32 path");
    }

    /** Whether the layer's training-mode pass reads each row's global index (random draws per row). */
    default boolean drawsPerRow() {
        return false;
    }

    /** How the layer is written in a job file, PyTorch's way: e.g. {@code Linear(64, 128)} or {@code ReLU()}. */
    String spec();

    /**
     * PyTorch's names of this layer's tensors in {@link #tensorSizes()} order, as they follow the
     * layer's index in a {@code state_dict} ({@code 0.weight}): weight, then bias.
     */
    default String[] tensorNames() {
        return java.util.Arrays.copyOf(new String[] {"weight", "bias"}, tensorSizes().length);
    }

    /** PyTorch's shapes of this layer's tensors in {@link #tensorSizes()} order; one dimension unless overridden. */
    default long[][] tensorShapes() {
        int[] sizes = tensorSizes();
        long[][] shapes = new long[sizes.length][];
        for (int t = 0; t < sizes.length; t++) shapes[t] = new long[] {sizes[t]};
        return shapes;
    }
}
