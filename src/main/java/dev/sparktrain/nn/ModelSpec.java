package dev.sparktrain.nn;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Names;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The layer syntax of job files and of the ML {@code layers} param, parsed in this one place: a
 * comma-separated list of PyTorch constructor calls, {@code Linear(64, 128), GELU(approximate='tanh'),
 * LayerNorm(128), Dropout(p=0.1), Linear(128, 10)}. Names are case-insensitive and may carry
 * {@code nn.} (so today's {@code linear(64,128), relu} is the same model); a layer without options
 * may drop its parentheses; options are positional or keywords, in PyTorch's order and spelling,
 * with True/False and quoted strings. The layers are {@link Layers}; a layer after the first
 * takes the width before it. Where the caller allows it, the first Linear's {@code in_features}
 * and the last Linear's {@code out_features} may be {@code *}, filled in later with the feature
 * count and the outputs the label needs.
 */
public final class ModelSpec {
    private static final String OPEN = "*";
    private static final Pattern ITEM = Pattern.compile("(?:(?:torch\\s*\\.\\s*)?nn\\s*\\.\\s*)?([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\((.*)\\))?",
            Pattern.DOTALL);
    private static final Pattern KEYWORD = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*=(?!=)(.*)", Pattern.DOTALL);
    /** The layers a spec may name, with their options and defaults (for the help). */
    public static final List<String> LAYERS = Layers.signatures();

    /** One layer as written, its type and its options by name (values still text where they were). */
    private record Item(String raw, Layers.Entry type, Map<String, Object> args) {
        boolean linear() {
            return type.name().equals("Linear");
        }
    }

    private final List<Item> items;
    private final String where;
    private final boolean placeholders;

    private ModelSpec(String spec, String where, boolean placeholders) {
        this.where = where;
        this.placeholders = placeholders;
        this.items = new ArrayList<>();
        for (String part : split(spec)) if (!part.isBlank()) items.add(item(part.trim()));
    }

    /** A spec with concrete sizes only; errors start with {@code where}. */
    public static ModelSpec of(String spec, String where) {
        return new ModelSpec(spec, where, false);
    }

    /** A spec whose first input and last output may be {@code *}. */
    public static ModelSpec withPlaceholders(String spec, String where) {
        return new ModelSpec(spec, where, true);
    }

    /** Whether the last Linear's output is {@code *}. */
    public boolean outputsOpen() {
        for (int i = items.size() - 1; i >= 0; i--) {
            if (items.get(i).linear()) return OPEN.equals(items.get(i).args().get("out_features"));
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
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).linear()) {
                if (first < 0) first = i;
                last = i;
            }
        }
        List<Layer> layers = new ArrayList<>();
        int width = -1;
        for (int i = 0; i < items.size(); i++) {
            Item it = items.get(i);
            Map<String, Object> args = new LinkedHashMap<>(it.args());
            if (it.linear()) {
                fill(args, "in_features", i == first, features, it);
                fill(args, "out_features", i == last, outputs, it);
            }
            Layer l = it.type().build(args, width, where + ": '" + it.raw() + "'");
            layers.add(l);
            width = l.outFeatures();
        }
        try {
            return new Sequential(layers);
        } catch (SparkTrainException e) {
            throw new SparkTrainException(where + ": " + e.getMessage());
        }
    }

    /** Replaces a {@code *} size by {@code given} where one is allowed; refuses it elsewhere. */
    private void fill(Map<String, Object> args, String key, boolean allowed, int given, Item it) {
        if (!OPEN.equals(args.get(key))) return;
        if (!placeholders) {
            throw new SparkTrainException(where + ": '" + it.raw() + "': '*' sizes are only for the Spark ML layers param");
        }
        if (!allowed) {
            throw new SparkTrainException(where + ": '" + it.raw() + "': '*' only as the first Linear's in_features (the "
                    + "feature count) or the last Linear's out_features (the outputs the label needs)");
        }
        args.put(key, given);
    }

    private Item item(String raw) {
        Matcher m = ITEM.matcher(raw);
        if (!m.matches()) {
            throw new SparkTrainException(where + ": unknown layer '" + raw + "': expected Name or Name(option=value, ...), "
                    + "e.g. Linear(64, 128), ReLU or Dropout(p=0.1)");
        }
        Layers.Entry type = Layers.find(m.group(1));
        if (type == null) {
            throw new SparkTrainException(where + ": unknown layer '" + raw + "'; allowed: " + String.join(", ", Layers.names())
                    + Names.didYouMean(m.group(1), Layers.names()));
        }
        return new Item(raw, type, arguments(raw, type, m.group(2)));
    }

    /** The options of {@code raw} by name: positional ones first, in PyTorch's order, then keywords. */
    private Map<String, Object> arguments(String raw, Layers.Entry type, String body) {
        Map<String, Object> args = new LinkedHashMap<>();
        if (body == null || body.isBlank()) return args;
        List<String> parts = split(body);
        if (parts.size() > 1 && parts.get(parts.size() - 1).isBlank()) parts.remove(parts.size() - 1); // Python's trailing comma
        List<String> names = type.optionNames();
        boolean keywords = false;
        for (int i = 0; i < parts.size(); i++) {
            String p = parts.get(i).trim();
            Matcher kw = KEYWORD.matcher(p);
            String key;
            String value;
            if (kw.matches()) {
                keywords = true;
                key = kw.group(1);
                value = kw.group(2).trim();
            } else {
                if (keywords) throw refusal(raw, "a positional value after keyword ones: '" + p + "'");
                if (i >= names.size()) {
                    throw refusal(raw, "takes at most " + names.size() + " positional value" + (names.size() == 1 ? "" : "s")
                            + (names.isEmpty() ? "" : " (" + String.join(", ", names) + ")") + ", got " + parts.size());
                }
                key = names.get(i);
                value = p;
            }
            if (value.isEmpty()) throw refusal(raw, "an empty value" + (kw.matches() ? " for '" + key + "'" : ""));
            if (args.put(key, value(value)) != null) throw refusal(raw, "'" + key + "' given twice");
        }
        return args;
    }

    private SparkTrainException refusal(String raw, String what) {
        return new SparkTrainException(where + ": '" + raw + "': " + what);
    }

    /** A quoted string without its quotes, True/False as Booleans, anything else as written. */
    private static Object value(String v) {
        if (v.length() >= 2 && (v.charAt(0) == '\'' || v.charAt(0) == '"') && v.charAt(v.length() - 1) == v.charAt(0)) {
            return v.substring(1, v.length() - 1);
        }
        if (v.equalsIgnoreCase("true")) return Boolean.TRUE;
        if (v.equalsIgnoreCase("false")) return Boolean.FALSE;
        return v;
    }

    /** {@code s} cut at the commas outside brackets and quotes. */
    private static List<String> split(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        char quote = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '(' || c == '[') {
                depth++;
            } else if (c == ')' || c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts;
    }
}
