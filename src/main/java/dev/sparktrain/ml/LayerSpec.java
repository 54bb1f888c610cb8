package dev.sparktrain.ml;

import dev.sparktrain.nn.Sequential;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code layers} param: the job file's model spec ({@code linear(64,128), relu,
 * linear(128,10)}), where the first layer's input and the last layer's output may be {@code *}:
 * the feature vector's size and the number of outputs the label needs (classes for
 * CrossEntropyLoss, 1 otherwise), filled in at fit time.
 */
final class LayerSpec {
    private static final Pattern LINEAR = Pattern.compile("linear\\(\\s*(\\d+|\\*)\\s*,\\s*(\\d+|\\*)\\s*\\)");

    private LayerSpec() {
    }

    /** Checks the syntax (placeholders taken as 1). */
    static void check(String spec) {
        resolve(spec, 1, 1);
    }

    /** Whether the last layer's output is {@code *}. */
    static boolean outputsOpen(String spec) {
        List<String> parts = parts(spec);
        for (int i = parts.size() - 1; i >= 0; i--) {
            Matcher m = LINEAR.matcher(parts.get(i));
            if (m.matches()) return m.group(2).equals("*");
        }
        return false;
    }

    /** The network, with {@code *} replaced by {@code features} (first input) and {@code outputs} (last output). */
    static Sequential resolve(String spec, int features, int outputs) {
        List<String> parts = parts(spec);
        int first = -1;
        int last = -1;
        for (int i = 0; i < parts.size(); i++) {
            if (LINEAR.matcher(parts.get(i)).matches()) {
                if (first < 0) first = i;
                last = i;
            }
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            String p = parts.get(i);
            Matcher m = LINEAR.matcher(p);
            if (!m.matches()) {
                out.add(p);
                continue;
            }
            String in = m.group(1);
            String o = m.group(2);
            if (in.equals("*")) {
                if (i != first) throw new IllegalArgumentException("'*' only as the first layer's input size (the feature count)");
                in = String.valueOf(features);
            }
            if (o.equals("*")) {
                if (i != last) throw new IllegalArgumentException("'*' only as the last layer's output size (the outputs the label needs)");
                o = String.valueOf(outputs);
            }
            out.add("linear(" + in + "," + o + ")");
        }
        try {
            return Sequential.parse(String.join(", ", out), "layers");
        } catch (dev.sparktrain.SparkTrainException e) {
            throw new IllegalArgumentException(e.getMessage().replaceFirst("^layers: ", ""), e);
        }
    }

    private static List<String> parts(String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("empty; e.g. linear(*,64), relu, linear(64,*)");
        List<String> parts = new ArrayList<>();
        for (String raw : spec.split(",(?![^()]*\\))")) {
            String s = raw.strip().toLowerCase(Locale.ROOT);
            if (!s.isEmpty()) parts.add(s);
        }
        return parts;
    }
}
