package dev.sparktrain.nn;

import dev.sparktrain.SparkTrainException;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * {@code torch.nn.Sequential}: a stack of layers whose parameters are consecutive slices of one
 * flat {@code double[]} (layer order, each layer's tensors in PyTorch's order, e.g. a Linear's
 * weight {@code [out,in]} then bias) — the order PyTorch's {@code model.parameters()} flattens
 * to, so golden vectors load as they are.
 */
public final class Sequential implements Serializable {
    /** Most parameters a model may have: they are one Java array (and so are the gradient and optimizer state). */
    public static final long MAX_PARAMS = Integer.MAX_VALUE - 16;

    private final List<Layer> layers;
    private final int[] offsets;
    private final int paramCount;
    private final Precision precision;

    public Sequential(List<Layer> layers) {
        this(layers, Precision.FLOAT64);
    }

    /** A model computing in {@code precision} ({@link Precision}); its parameters are float64 either way. */
    public Sequential(List<Layer> layers, Precision precision) {
        if (layers.isEmpty()) throw new SparkTrainException("model: needs at least one layer");
        this.layers = List.copyOf(layers);
        this.offsets = new int[layers.size()];
        int off = 0;
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            if (i > 0 && l.inFeatures() != layers.get(i - 1).outFeatures()) {
                throw new SparkTrainException("model: layer " + (i + 1) + " (" + l.spec() + ") takes " + l.inFeatures()
                        + " features but layer " + i + " gives " + layers.get(i - 1).outFeatures());
            }
            offsets[i] = off;
            long next = (long) off + l.paramCount();
            if (next > MAX_PARAMS) {
                throw new SparkTrainException("model: more than " + MAX_PARAMS + " parameters (they are one Java array)");
            }
            off = (int) next;
        }
        this.paramCount = off;
        this.precision = precision == null ? Precision.FLOAT64 : precision;
    }

    /** The same layers computing in {@code p}. */
    public Sequential withPrecision(Precision p) {
        return p == precision ? this : new Sequential(layers, p);
    }

    public Precision precision() {
        return precision;
    }

    /** Parses a job-file model such as {@code Linear(64, 128), ReLU(), Linear(128, 10)} ({@link ModelSpec}). */
    public static Sequential parse(String spec, String where) {
        return ModelSpec.of(spec, where).build();
    }

    public List<Layer> layers() {
        return Collections.unmodifiableList(layers);
    }

    public int offset(int layer) {
        return offsets[layer];
    }

    public int paramCount() {
        return paramCount;
    }

    public int inFeatures() {
        return layers.get(0).inFeatures();
    }

    public int outFeatures() {
        return layers.get(layers.size() - 1).outFeatures();
    }

    /** Sizes of every parameter tensor in flat order (clip_grad_norm_ takes per-tensor norms). */
    public int[] tensorSizes() {
        List<Integer> sizes = new ArrayList<>();
        for (Layer l : layers) for (int s : l.tensorSizes()) sizes.add(s);
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Which tensors of {@link #tensorSizes()} are biases ({@link Layer#isBias}), in the same order. */
    public boolean[] biasTensors() {
        List<Boolean> flags = new ArrayList<>();
        for (Layer l : layers) {
            int n = l.tensorSizes().length;
            for (int t = 0; t < n; t++) flags.add(l.isBias(t));
        }
        boolean[] out = new boolean[flags.size()];
        for (int i = 0; i < out.length; i++) out[i] = flags.get(i);
        return out;
    }

    /** PyTorch's default initialisation, reproducible from {@code seed}. */
    public double[] initParams(long seed) {
        double[] p = new double[paramCount];
        Random rng = new Random(seed);
        for (int i = 0; i < layers.size(); i++) layers.get(i).init(p, offsets[i], rng);
        return p;
    }

    public String spec() {
        StringBuilder b = new StringBuilder();
        for (Layer l : layers) b.append(b.length() == 0 ? "" : ", ").append(l.spec());
        return b.toString();
    }
}
