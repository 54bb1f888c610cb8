package dev.sparktrain.optim;

import dev.sparktrain.SparkTrainException;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reading and writing settings records in their param-group form (PyTorch's key names), and the
 * one-line refusal of an out-of-range value that every optimizer's checks share.
 */
final class Hyper {
    private Hyper() {
    }

    /** PyTorch's check message: {@code <where>: '<key>': invalid value <v>: <rule>}. */
    static void check(boolean ok, String where, String key, Object value, String rule) {
        if (!ok) throw new SparkTrainException(where + ": '" + key + "': invalid value " + show(value) + ": " + rule);
    }

    /** {@link #check} of PyTorch's most common rule, value >= 0, for (key, value) pairs in order. */
    static void nonNegative(String where, Object... keyValues) {
        for (int i = 0; i < keyValues.length; i += 2) {
            double v = (Double) keyValues[i + 1];
            check(v >= 0, where, (String) keyValues[i], v, "must be >= 0");
        }
    }

    /** A value as written in messages: tuples such as betas print as {@code [0.9, 1.0]}. */
    static String show(Object v) {
        return v instanceof double[] d ? Arrays.toString(d) : String.valueOf(v);
    }

    /** An ordered map literal: the param-group form of a settings record. */
    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return Collections.unmodifiableMap(m);
    }

    static double num(Map<String, ?> m, String key) {
        if (m.get(key) instanceof Number n) return n.doubleValue();
        throw new IllegalStateException("param group has no numeric '" + key + "': " + m.get(key));
    }

    static boolean flag(Map<String, ?> m, String key) {
        return Boolean.TRUE.equals(m.get(key));
    }

    /** {@code betas}: a pair of numbers. */
    static double[] pair(Map<String, ?> m, String key) {
        if (m.get(key) instanceof double[] d && d.length == 2) return d;
        throw new IllegalStateException("param group has no pair '" + key + "': " + show(m.get(key)));
    }
}
