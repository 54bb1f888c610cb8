package dev.sparktrain.nn;

import dev.sparktrain.SparkTrainException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layer syntax of job files and of the ML {@code layers} param, parsed in this one place:
 * {@code linear(64,128), relu, linear(128,10)}; activations take the width of the layer before
 * them. Where the caller allows it, the first layer's input and the last layer's output may be
 * {@code *}, filled in later with the feature count and the outputs the label needs.
 */
public final class ModelSpec {
    private static final Pattern LINEAR = Pattern.compile("linear\\(\\s*(\\d+|\\*)\\s*,\\s*(\\d+|\\*)\\s*\\)");
    private static final String OPEN = "*";
    /** The layers a spec may name: a linear layer and each activation. */
    public static final List<String> LAYERS = layers();

    private final List<String> parts;
    private final String where;
    private final boolean placeholders;

    private ModelSpec(List<String> parts, String where, boolean placeholders) {
        this.parts = parts;
        this.where = where;
        this.placeholders = placeholders;
    }

    /** A spec with concrete sizes only; errors start with {@code where}. */
    public static ModelSpec of(String spec, String where) {
        return new ModelSpec(split(spec), where, false);
    }

    /** A spec whose first input and last output may be {@code *}. */
    public static ModelSpec withPlaceholders(String spec, String where) {
        return new ModelSpec(split(spec), where, true);
    }

    private static List<String> split(String spec) {
        List<String> parts = new ArrayList<>();
        for (String raw : spec.split(",(?![^()]*\\))")) if (!raw.isBlank()) parts.add(raw.trim());
        return parts;
    }

    /** Whether the last linear layer's output is {@code *}. */
    public boolean outputsOpen() {
        for (int i = parts.size() - 1; i >= 0; i--) {
            Matcher m = linear(parts.get(i));
            if (m != null) return m.group(2).equals(OPEN);
        }
        return false;
    }

    /** The network (a spec without placeholders). */
    public Sequential build() {
        return build(-1, -1);
    }

    /** The network with {@code *} read as {@code features} (first input) and {@code outputs} (last output). */
    public Sequential build(int features, int outputs) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < parts.size(); i++) {
            if (linear(parts.get(i)) != null) {
                if (first < 0) first = i;
                last = i;
            }
        }
        List<Layer> layers = new ArrayList<>();
        int width = -1;
        for (int i = 0; i < parts.size(); i++) {
            String raw = parts.get(i);
            Matcher m = linear(raw);
            if (m != null) {
                long in = size(m.group(1), i == first, features, "first layer's input size (the feature count)", raw);
                long out = size(m.group(2), i == last, outputs, "last layer's output size (the outputs the label needs)", raw);
                if (in * out + out > Sequential.MAX_PARAMS) {
                    throw new SparkTrainException(where + ": '" + raw + "' has " + (in * out + out)
                            + " parameters; at most " + Sequential.MAX_PARAMS + " fit in one model");
                }
                Linear l = new Linear((int) in, (int) out);
                layers.add(l);
                width = l.outFeatures();
                continue;
            }
            String s = raw.toLowerCase(Locale.ROOT);
            Activation.Kind kind = activation(s);
            if (kind == null) {
                throw new SparkTrainException(where + ": unknown layer '" + raw + "'; allowed: " + String.join(", ", LAYERS));
            }
            if (width < 0) throw new SparkTrainException(where + ": '" + s + "' must follow a linear layer");
            layers.add(new Activation(kind, width));
        }
        try {
            return new Sequential(layers);
        } catch (SparkTrainException e) {
            throw new SparkTrainException(where + ": " + e.getMessage());
        }
    }

    private static List<String> layers() {
        List<String> names = new ArrayList<>(List.of("linear(in,out)"));
        for (Activation.Kind k : Activation.Kind.values()) names.add(k.name().toLowerCase(Locale.ROOT));
        return List.copyOf(names);
    }

    /** The activation a lower-case layer name spells, or null. */
    private static Activation.Kind activation(String name) {
        for (Activation.Kind k : Activation.Kind.values()) if (k.name().toLowerCase(Locale.ROOT).equals(name)) return k;
        return null;
    }

    /** A linear layer's match, or null; {@code *} sizes only match where placeholders are allowed. */
    private Matcher linear(String raw) {
        Matcher m = LINEAR.matcher(raw.toLowerCase(Locale.ROOT));
        if (!m.matches() || !placeholders && (m.group(1).equals(OPEN) || m.group(2).equals(OPEN))) return null;
        return m;
    }

    /** A layer width: 1 .. 2^31-1, or the given value for a placeholder in its one allowed place. */
    private long size(String digits, boolean placeholderAllowed, int given, String role, String layer) {
        if (digits.equals(OPEN)) {
            if (!placeholderAllowed) throw new SparkTrainException(where + ": '*' only as the " + role);
            return given;
        }
        String d = digits.replaceFirst("^0+(?=.)", "");
        long v = d.length() > 10 ? Long.MAX_VALUE : Long.parseLong(d);
        if (v < 1 || v > Integer.MAX_VALUE) {
            throw new SparkTrainException(where + ": '" + layer + "': sizes must be between 1 and " + Integer.MAX_VALUE);
        }
        return v;
    }
}
