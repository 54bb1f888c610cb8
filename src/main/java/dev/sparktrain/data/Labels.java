package dev.sparktrain.data;

import dev.sparktrain.SparkTrainException;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns a label value into a target: a class index 0..k-1 (numbers as they are, or names via a
 * mapping) or a real value (regression, {@code classes == 0}). Numeric labels match names
 * numerically ({@code 1}, {@code 1.0} and {@code +1} are the same label), so LibSVM's -1/+1
 * labels map with {@code data.labels = -1, 1}. A label equal to the loss's {@code ignore_index}
 * ({@link #ignoring}) is accepted as that target (the loss leaves such rows out) and is never a
 * class of its own. Messages name the value found and what was expected; the caller adds where.
 */
public final class Labels implements Serializable {
    private final int classes;
    /** Class names in index order, or null when labels are indices / real values. */
    private final List<String> names;
    private final Map<String, Integer> index;
    /** The loss's ignore_index, accepted as a target as it is; null when the loss ignores no label. */
    private final Integer ignored;

    private Labels(int classes, List<String> names, Integer ignored) {
        this.classes = classes;
        this.ignored = ignored;
        this.names = names == null ? null : List.copyOf(names);
        if (names == null) {
            index = null;
        } else {
            index = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                if (index.put(key(names.get(i)), i) != null) {
                    throw new SparkTrainException("data.labels: '" + names.get(i) + "' is listed twice");
                }
            }
        }
    }

    /** Labels that are class indices 0..classes-1, or real values when {@code classes == 0}. */
    public static Labels indices(int classes) {
        return new Labels(classes, null, null);
    }

    /** Labels that are these names; the class index is the position. */
    public static Labels named(List<String> names) {
        return new Labels(names.size(), names, null);
    }

    /** These labels, also accepting {@code ignoreIndex} (null: none) as the target the loss ignores. */
    public Labels ignoring(Integer ignoreIndex) {
        return new Labels(classes, names, ignoreIndex);
    }

    /**
     * The mapping {@code data.labels = auto} makes from the distinct labels found, the loss's
     * {@code ignoreIndex} (null: none) left out: sorted numerically when every label is a number,
     * otherwise as strings.
     */
    public static Labels sorted(Collection<String> distinct, int classes, String source, Integer ignoreIndex) {
        TreeSet<String> keys = new TreeSet<>();
        for (String s : distinct) keys.add(key(s));
        if (ignoreIndex != null) keys.remove(key(ignoreIndex));
        List<String> list = new ArrayList<>(keys);
        if (list.stream().allMatch(Labels::isNumber)) list.sort((a, b) -> new BigDecimal(a).compareTo(new BigDecimal(b)));
        if (list.size() != classes) {
            String shown = list.size() <= 20 ? String.join(", ", list) : String.join(", ", list.subList(0, 20)) + ", ...";
            throw new SparkTrainException(source + ": found " + list.size() + " distinct labels (" + shown
                    + ") but data.classes is " + classes);
        }
        return named(list).ignoring(ignoreIndex);
    }

    public int classes() {
        return classes;
    }

    /** Class names in index order, or null when labels are used as they are. */
    public List<String> names() {
        return names;
    }

    /** The target for a numeric label; the error message (without location) when it is not one. */
    public double ofNumber(double v) {
        if (index != null) {
            Integer i = Double.isFinite(v) ? index.get(key(v)) : null;
            if (i == null && isIgnored(v)) return v;
            if (i == null) throw notAClass(key(v));
            return i;
        }
        if (isIgnored(v)) return v;
        if (classes > 0 && (v != Math.rint(v) || v < 0 || v >= classes)) {
            throw new SparkTrainException("label " + show(v) + " is not a class index in 0.." + (classes - 1)
                    + (ignored == null ? "" : " nor the loss's ignore_index " + ignored) + " (map other labels with data.labels)");
        }
        if (!Double.isFinite(v)) throw new SparkTrainException("label " + v + " is not a finite number");
        return v;
    }

    /** The target for a label given as text (a CSV field, a string column). */
    public double ofText(String s) {
        String t = s.strip();
        if (index != null) {
            Integer i = index.get(key(t));
            if (i == null && ignored != null && key(t).equals(key(ignored))) return ignored;
            if (i == null) throw notAClass(t);
            return i;
        }
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new SparkTrainException("label '" + t + "' is not a number"
                    + (classes > 0 ? "; map names to classes with data.labels = auto (or list them)" : ""));
        }
        return ofNumber(v);
    }

    private boolean isIgnored(double v) {
        return ignored != null && v == ignored;
    }

    private SparkTrainException notAClass(String label) {
        String shown = names.size() <= 20 ? String.join(", ", names) : String.join(", ", names.subList(0, 20)) + ", ...";
        return new SparkTrainException("label '" + label + "' is not one of the " + names.size() + " classes (" + shown + ")"
                + (ignored == null ? "" : " nor the loss's ignore_index " + ignored));
    }

    /** Canonical form of a label: numbers without trailing zeros ("1.0", "+1" -> "1"), text stripped. */
    public static String key(String s) {
        String t = s.strip();
        if (isNumber(t)) {
            BigDecimal d = new BigDecimal(t).stripTrailingZeros();
            return d.scale() <= 0 ? d.toBigInteger().toString() : d.toPlainString();
        }
        return t;
    }

    public static String key(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : key(Double.toString(v));
    }

    private static String show(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) return false;
        try {
            new BigDecimal(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
