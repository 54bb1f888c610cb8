package dev.sparktrain.golden;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A golden case's {@code model} (JSON layer objects, {@code ../golden/README.md}) as a spec string
 * for the one layer parser ({@code nn/ModelSpec}): the type becomes the PyTorch class name and
 * every other field a keyword option, so the parser checks the options exactly as it checks a job
 * file's. An unknown type fails here, an unknown option in the parser.
 */
public final class LayerJson {
    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("linear", "Linear"), Map.entry("relu", "ReLU"), Map.entry("tanh", "Tanh"),
            Map.entry("sigmoid", "Sigmoid"), Map.entry("gelu", "GELU"), Map.entry("silu", "SiLU"),
            Map.entry("leaky_relu", "LeakyReLU"), Map.entry("elu", "ELU"), Map.entry("softplus", "Softplus"),
            Map.entry("mish", "Mish"), Map.entry("hardswish", "Hardswish"), Map.entry("identity", "Identity"),
            Map.entry("layer_norm", "LayerNorm"), Map.entry("dropout", "Dropout"), Map.entry("log_softmax", "LogSoftmax"));
    /** The JSON's short names of Linear's sizes. */
    private static final Map<String, String> KEYS = Map.of("in", "in_features", "out", "out_features");

    private LayerJson() {
    }

    public static String spec(List<Object> model, String id) {
        List<String> parts = new ArrayList<>();
        for (Object o : model) parts.add(layer(Golden.map(o), id));
        return String.join(", ", parts);
    }

    static String layer(Map<String, Object> l, String id) {
        String name = NAMES.get(String.valueOf(l.get("type")));
        if (name == null) throw new IllegalArgumentException(id + ": unknown layer type " + l.get("type") + "; known: " + NAMES.keySet());
        List<String> options = new ArrayList<>();
        l.forEach((k, v) -> {
            if (!k.equals("type")) options.add(KEYS.getOrDefault(k, k) + "=" + python(v));
        });
        return name + "(" + String.join(", ", options) + ")";
    }

    private static String python(Object v) {
        if (v instanceof Boolean b) return b ? "True" : "False";
        if (v instanceof String s) return "'" + s + "'";
        return String.valueOf(v);
    }
}
