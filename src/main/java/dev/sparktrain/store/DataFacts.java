package dev.sparktrain.store;

import dev.sparktrain.data.Standardizer;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Facts about the data a run trained on, saved in its checkpoints so that a resume on other data
 * is noticed (not refused: the data may have grown on purpose).
 *
 * @param path           the data path, or null
 * @param trainRows      training rows, or -1 when unknown
 * @param validationRows validation rows, or -1 when unknown
 * @param mean           the standardization's means, or null without standardization
 * @param std            the standardization's standard deviations, or null
 */
public record DataFacts(String path, long trainRows, long validationRows, double[] mean, double[] std) {

    /** The facts of a loaded training set; {@code scaling} null without standardization. */
    public static DataFacts of(String path, long trainRows, long validationRows, Standardizer scaling) {
        return new DataFacts(path, trainRows, validationRows, scaling == null ? null : scaling.mean(),
                scaling == null ? null : scaling.std());
    }

    /** Whether {@code other} was fitted with the same scaling (both without, or equal statistics). */
    public boolean sameScaling(DataFacts other) {
        return Arrays.equals(mean, other.mean) && Arrays.equals(std, other.std);
    }

    /** The checkpoint header's form (keys path, train_rows, validation_rows, standardize{mean, std}). */
    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path);
        m.put("train_rows", trainRows);
        m.put("validation_rows", validationRows);
        if (mean != null) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("mean", mean);
            st.put("std", std);
            m.put("standardize", st);
        }
        return m;
    }

    /** Reads the header's form; absent or mistyped facts become unknown (they only ever lead to a note). */
    static DataFacts fromMap(Object o) {
        if (!(o instanceof Map<?, ?> m)) return new DataFacts(null, -1, -1, null, null);
        double[] mean = null;
        double[] std = null;
        if (m.get("standardize") instanceof Map<?, ?> s && s.get("mean") instanceof double[] a && s.get("std") instanceof double[] b) {
            mean = a;
            std = b;
        }
        return new DataFacts(m.get("path") instanceof String p ? p : null, count(m.get("train_rows")),
                count(m.get("validation_rows")), mean, std);
    }

    private static long count(Object o) {
        return o instanceof Number n ? n.longValue() : -1;
    }
}
