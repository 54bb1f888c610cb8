package dev.sparktrain.nn;

import dev.sparktrain.SparkTrainException;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code torch.nn.Sequential}: a stack of layers whose parameters are consecutive slices of one
 * flat {@code double[]} (layer order, each Linear's weight {@code [out,in]} then bias) — the same
 * order PyTorch's {@code model.parameters()} flattens to, so golden vectors load as they are.
 */
public final class Sequential implements Serializable {
    private static final Pattern LINEAR = Pattern.compile("linear\\(\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\)");
    /** Most parameters a model may have: they are one Java array (and so are the gradient and optimizer state). */
    public static final long MAX_PARAMS = Integer.MAX_VALUE - 16;

    private final List<Layer> layers;
    private final int[] offsets;
    private final int paramCount;

    public Sequential(List<Layer> layers) {
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
    }

    /**
     * Parses a job-file model such as {@code linear(64,128), relu, linear(128,10)}; activations
     * take the width of the layer before them.
     */
    public static Sequential parse(String spec, String where) {
        List<Layer> layers = new ArrayList<>();
        int width = -1;
        for (String raw : spec.split(",(?![^()]*\\))")) {
            String s = raw.trim().toLowerCase();
            if (s.isEmpty()) continue;
            Matcher m = LINEAR.matcher(s);
            if (m.matches()) {
                long in = size(m.group(1), raw, where);
                long out = size(m.group(2), raw, where);
                if (in * out + out > MAX_PARAMS) {
                    throw new SparkTrainException(where + ": '" + raw.trim() + "' has " + (in * out + out)
                            + " parameters; at most " + MAX_PARAMS + " fit in one model");
                }
                Linear l = new Linear((int) in, (int) out);
                layers.add(l);
                width = l.outFeatures();
                continue;
            }
            Activation.Kind kind = switch (s) {
                case "relu" -> Activation.Kind.RELU;
                case "tanh" -> Activation.Kind.TANH;
                case "sigmoid" -> Activation.Kind.SIGMOID;
                default -> throw new SparkTrainException(where + ": unknown layer '" + raw.trim()
                        + "'; allowed: linear(in,out), relu, tanh, sigmoid");
            };
            if (width < 0) throw new SparkTrainException(where + ": '" + s + "' must follow a linear layer");
            layers.add(new Activation(kind, width));
        }
        try {
            return new Sequential(layers);
        } catch (SparkTrainException e) {
            throw new SparkTrainException(where + ": " + e.getMessage());
        }
    }

    /** A layer width: 1 .. 2^31-1 (digits only reach here). */
    private static long size(String digits, String layer, String where) {
        String d = digits.replaceFirst("^0+(?=.)", "");
        long v = d.length() > 10 ? Long.MAX_VALUE : Long.parseLong(d);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new SparkTrainException(where + ": '" + layer.trim() + "': sizes must be between 1 and " + Integer.MAX_VALUE);
        }
        return v;
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

    /** Which tensors of {@link #tensorSizes()} are biases (a Linear's second tensor), in the same order. */
    public boolean[] biasTensors() {
        List<Boolean> flags = new ArrayList<>();
        for (Layer l : layers) {
            int n = l.tensorSizes().length;
            for (int t = 0; t < n; t++) flags.add(l instanceof Linear && t == 1);
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
