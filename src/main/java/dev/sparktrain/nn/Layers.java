package dev.sparktrain.nn;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The layers a model may name: one line each with the PyTorch class name, its keyword options
 * in PyTorch's positional order with PyTorch's defaults, and the constructor. {@link ModelSpec}
 * parses the syntax and calls {@link Entry#build}; adding a layer is its file plus one line here.
 */
public final class Layers {
    /** A default marking an option without default (PyTorch's required arguments). */
    private static final Object REQUIRED = new Object();
    /** PyTorch's {@code inplace} switch: accepted by every layer (a pasted line works), it changes no number. */
    private static final String INPLACE = "inplace";

    /** Builds a layer from its options (defaults filled in) and the width before it. */
    @FunctionalInterface
    public interface Factory {
        Layer build(Options o, int width);
    }

    /**
     * One layer type. {@code defaults} are in PyTorch's positional order ({@link #REQUIRED} where
     * there is none); {@code afterWidth}: the layer takes the width of the one before it.
     */
    public record Entry(String name, Map<String, Object> defaults, boolean afterWidth, Factory factory) {
        /** The option names in PyTorch's positional order. */
        public List<String> optionNames() {
            return List.copyOf(defaults.keySet());
        }

        /**
         * The layer from the options {@code given} (values: Strings, Numbers or Booleans) after a
         * layer of {@code width} outputs (-1: none); errors start with {@code source}.
         */
        public Layer build(Map<String, Object> given, int width, String source) {
            Set<String> allowed = new LinkedHashSet<>(defaults.keySet());
            allowed.add(INPLACE);
            new Options(source, given).requireOnly(allowed);
            if (afterWidth && width < 0) {
                throw new SparkTrainException(source + ": no layer before it gives it a width; a model starts with "
                        + "Linear(in_features, out_features)");
            }
            Map<String, Object> all = new LinkedHashMap<>();
            all.put(INPLACE, false);
            defaults.forEach((k, v) -> {
                if (v != REQUIRED) all.put(k, v);
            });
            all.putAll(given);
            Options o = new Options(source, all);
            o.getBool(INPLACE, false);
            defaults.forEach((k, v) -> { // every value of the default's kind, including those a layer ignores
                if (v instanceof Boolean) o.getBool(k, false);
                else if (v instanceof Double) o.getDouble(k, 0);
            });
            return factory.build(o, width);
        }

        /** How the help lists it, e.g. {@code LeakyReLU(negative_slope=0.01)}. */
        public String signature() {
            List<String> parts = new ArrayList<>();
            defaults.forEach((k, v) -> parts.add(v == REQUIRED ? k : k + "=" + python(v)));
            return name + "(" + String.join(", ", parts) + ")";
        }
    }

    private static final List<Entry> REGISTRY = List.of(
            layer("Linear", opts("in_features", REQUIRED, "out_features", REQUIRED, "bias", true), false, Layers::linear),
            layer("ReLU", opts(), true, (o, w) -> new Activation(Activation.Kind.RELU, w)),
            layer("Tanh", opts(), true, (o, w) -> new Activation(Activation.Kind.TANH, w)),
            layer("Sigmoid", opts(), true, (o, w) -> new Activation(Activation.Kind.SIGMOID, w)),
            layer("GELU", opts("approximate", "none"), true,
                    (o, w) -> new GELU(o.getChoice("approximate", "none", "none", "tanh").equals("tanh"), w)),
            layer("SiLU", opts(), true, (o, w) -> new SiLU(w)),
            layer("LeakyReLU", opts("negative_slope", 0.01), true, (o, w) -> new LeakyReLU(o.getDouble("negative_slope"), w)),
            layer("ELU", opts("alpha", 1.0), true, (o, w) -> new ELU(o.getDouble("alpha"), w)),
            layer("Softplus", opts("beta", 1.0, "threshold", 20.0), true, Layers::softplus),
            layer("Mish", opts(), true, (o, w) -> new Mish(w)),
            layer("Hardswish", opts(), true, (o, w) -> new Hardswish(w)),
            layer("LayerNorm", opts("normalized_shape", REQUIRED, "eps", 1e-5, "elementwise_affine", true), true, Layers::layerNorm),
            layer("Dropout", opts("p", 0.5), true, (o, w) -> new Dropout(probability(o), w)),
            layer("LogSoftmax", opts("dim", 1.0), true, Layers::logSoftmax),
            layer("Identity", opts(), true, (o, w) -> new Identity(w)));

    private Layers() {
    }

    /** The layer type named {@code name} (case-insensitive), or null. */
    public static Entry find(String name) {
        for (Entry e : REGISTRY) if (e.name().equalsIgnoreCase(name)) return e;
        return null;
    }

    public static List<String> names() {
        return REGISTRY.stream().map(Entry::name).toList();
    }

    /** Every layer with its options and defaults, as the help lists them. */
    public static List<String> signatures() {
        return REGISTRY.stream().map(Entry::signature).toList();
    }

    private static Entry layer(String name, Map<String, Object> defaults, boolean afterWidth, Factory factory) {
        return new Entry(name, defaults, afterWidth, factory);
    }

    private static Map<String, Object> opts(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return m;
    }

    private static Layer linear(Options o, int width) {
        long in = size(o, "in_features");
        long out = size(o, "out_features");
        boolean bias = o.getBool("bias", true);
        long count = in * out + (bias ? out : 0);
        if (count > Sequential.MAX_PARAMS) {
            throw new SparkTrainException(o.source() + ": has " + count + " parameters; at most " + Sequential.MAX_PARAMS
                    + " fit in one model");
        }
        return new Linear((int) in, (int) out, bias);
    }

    /** A layer width: 1 .. 2^31-1. */
    private static long size(Options o, String key) {
        if (!o.has(key)) throw o.error(key, "required but missing");
        long v = o.getLong(key, 0);
        if (v < 1 || v > Integer.MAX_VALUE) throw o.error(key, "sizes must be between 1 and " + Integer.MAX_VALUE + ", got " + v);
        return v;
    }

    private static Layer softplus(Options o, int width) {
        double beta = o.getDouble("beta");
        if (beta == 0 || !Double.isFinite(beta)) throw o.error("beta", "expected a finite non-zero number (softplus divides by it), got " + beta);
        return new Softplus(beta, o.getDouble("threshold"), width);
    }

    private static Layer layerNorm(Options o, int width) {
        int[] shape = o.getInts("normalized_shape", null);
        if (shape == null) throw o.error("normalized_shape", "required but missing");
        if (shape.length != 1) throw o.error("normalized_shape", "expected one size (rows are vectors), got " + shape.length);
        if (shape[0] != width) {
            throw o.error("normalized_shape", "expected the width of the layer before it, " + width + ", got " + shape[0]);
        }
        double eps = o.getDouble("eps");
        if (!(eps >= 0 && eps < Double.POSITIVE_INFINITY)) throw o.error("eps", "expected a finite number >= 0, got " + eps);
        return new LayerNorm(width, eps, o.getBool("elementwise_affine", true));
    }

    private static double probability(Options o) {
        double p = o.getDouble("p");
        if (!(p >= 0 && p <= 1)) throw o.error("p", "expected a probability in [0, 1], got " + p);
        return p;
    }

    private static Layer logSoftmax(Options o, int width) {
        int dim = o.getInt("dim");
        if (dim != 1 && dim != -1) throw o.error("dim", "expected 1 (a row's outputs; -1 is the same), got " + dim);
        return new LogSoftmax(width);
    }

    /** A default as Python writes it. */
    private static String python(Object v) {
        if (v instanceof Boolean b) return b ? "True" : "False";
        if (v instanceof String s) return "'" + s + "'";
        if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e6) return Long.toString(d.longValue());
        return Pointwise.number((Double) v);
    }
}
