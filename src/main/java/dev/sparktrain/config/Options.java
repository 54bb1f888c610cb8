package dev.sparktrain.config;

import dev.sparktrain.SparkTrainException;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Named options as PyTorch keyword arguments: values are Numbers, Booleans, Strings or Lists
 * (from JSON) or Strings (from a job file, parsed on demand). Every getter names the key and the
 * source in its error, and {@link #requireOnly} refuses keys nobody asked for, listing the
 * allowed ones.
 */
public final class Options implements Serializable {
    private final String source;
    private final Map<String, Object> values;
    /** Per key, where it was set (e.g. {@code conf/x.conf:12: 'train.epochs'}); errors name it. */
    private final Map<String, String> origins;

    public Options(String source, Map<String, ?> values) {
        this(source, values, Map.of());
    }

    public Options(String source, Map<String, ?> values, Map<String, String> origins) {
        this.source = source;
        this.values = new LinkedHashMap<>(values);
        this.origins = new LinkedHashMap<>(origins);
    }

    public static Options empty(String source) {
        return new Options(source, Map.of());
    }

    public String source() {
        return source;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public Map<String, Object> asMap() {
        return new LinkedHashMap<>(values);
    }

    public Object raw(String key) {
        return values.get(key);
    }

    public Options with(String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.put(key, value);
        return new Options(source, m, origins);
    }

    /** These options without {@code key}. */
    public Options without(String key) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.remove(key);
        Map<String, String> o = new LinkedHashMap<>(origins);
        o.remove(key);
        return new Options(source, m, o);
    }

    /** Refuses any key outside {@code allowed}, naming the closest allowed one and listing all. */
    public void requireOnly(Collection<String> allowed) {
        for (String k : values.keySet()) {
            if (!allowed.contains(k)) {
                throw error(k, "unknown option; allowed: " + String.join(", ", new TreeSet<>(allowed))
                        + Names.didYouMean(k, allowed));
            }
        }
    }

    public SparkTrainException error(String key, String what) {
        String origin = origins.get(key);
        return new SparkTrainException(origin != null ? origin + ": " + what : source + ": '" + key + "': " + what);
    }

    public double getDouble(String key, double dflt) {
        return has(key) ? toDouble(key, values.get(key)) : dflt;
    }

    public double getDouble(String key) {
        return toDouble(key, need(key));
    }

    public int getInt(String key, int dflt) {
        return has(key) ? toInt(key, values.get(key)) : dflt;
    }

    public int getInt(String key) {
        return toInt(key, need(key));
    }

    public long getLong(String key, long dflt) {
        if (!has(key)) return dflt;
        double d = toDouble(key, values.get(key));
        if (d != Math.rint(d) || Math.abs(d) > 9.0e15) throw error(key, "expected an integer, got " + values.get(key));
        return (long) d;
    }

    public boolean getBool(String key, boolean dflt) {
        if (!has(key)) return dflt;
        Object v = values.get(key);
        if (v instanceof Boolean b) return b;
        String s = String.valueOf(v).trim().toLowerCase();
        if (s.equals("true")) return true;
        if (s.equals("false")) return false;
        throw error(key, "expected true or false, got '" + v + "'");
    }

    public String getString(String key, String dflt) {
        return has(key) ? String.valueOf(values.get(key)).trim() : dflt;
    }

    public String getString(String key) {
        return String.valueOf(need(key)).trim();
    }

    /** A string from a fixed set of choices (compared case-insensitively). */
    public String getChoice(String key, String dflt, String... choices) {
        String v = getString(key, dflt);
        for (String c : choices) if (c.equalsIgnoreCase(v)) return c;
        throw error(key, "expected one of " + String.join(", ", choices) + ", got '" + v + "'");
    }

    /** A list of numbers: a JSON list, or a comma/space separated string. */
    public double[] getDoubles(String key, double[] dflt) {
        if (!has(key)) return dflt;
        List<?> items = asList(values.get(key));
        double[] out = new double[items.size()];
        for (int i = 0; i < out.length; i++) out[i] = toDouble(key, items.get(i));
        return out;
    }

    public int[] getInts(String key, int[] dflt) {
        if (!has(key)) return dflt;
        List<?> items = asList(values.get(key));
        int[] out = new int[items.size()];
        for (int i = 0; i < out.length; i++) out[i] = toInt(key, items.get(i));
        return out;
    }

    private Object need(String key) {
        if (!has(key)) throw error(key, "required but missing");
        return values.get(key);
    }

    private static List<?> asList(Object v) {
        if (v instanceof List<?> l) return l;
        if (v instanceof double[] d) {
            List<Object> l = new ArrayList<>();
            for (double x : d) l.add(x);
            return l;
        }
        String s = String.valueOf(v).trim();
        if (s.startsWith("[") && s.endsWith("]")) s = s.substring(1, s.length() - 1);
        if (s.startsWith("(") && s.endsWith(")")) s = s.substring(1, s.length() - 1);
        List<Object> l = new ArrayList<>();
        for (String part : s.split("[,\\s]+")) if (!part.isEmpty()) l.add(part);
        return l;
    }

    private double toDouble(String key, Object v) {
        if (v instanceof Number n) return n.doubleValue();
        String s = String.valueOf(v).trim();
        switch (s.toLowerCase()) {
            case "inf", "+inf", "infinity" -> { return Double.POSITIVE_INFINITY; }
            case "-inf", "-infinity" -> { return Double.NEGATIVE_INFINITY; }
            default -> { }
        }
        try {
            double d = Double.parseDouble(s);
            if (Double.isNaN(d)) throw error(key, "expected a number, got NaN");
            return d;
        } catch (NumberFormatException e) {
            throw error(key, "expected a number, got '" + v + "'");
        }
    }

    private int toInt(String key, Object v) {
        double d = toDouble(key, v);
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            throw error(key, "expected an integer, got " + v);
        }
        return (int) d;
    }

    @Override
    public String toString() {
        return source + values;
    }
}
