package dev.sparktrain.store;

import dev.sparktrain.SparkTrainException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the state maps of optimizers, schedulers and early stopping (numbers, booleans, strings,
 * lists, nested maps and {@code double[]}) into a pure JSON tree plus a list of float64 blobs,
 * and back (docs/CHECKPOINT_FORMAT.md):
 * <ul>
 *   <li>every {@code double[]} becomes {@code {"$blob": i}}, i indexing the checkpoint's blob list
 *       (its bytes go to the binary file, so buffers round-trip bit for bit);</li>
 *   <li>a non-finite float becomes {@code {"$float": "Infinity" | "-Infinity" | "NaN"}} (JSON has no
 *       such numbers; ReduceLROnPlateau's {@code best} starts at ±Infinity);</li>
 *   <li>finite floats are JSON numbers written with Java's round-trip repr (exact);</li>
 *   <li>an array a sharded run's owners wrote in slices is {@code {"$slices": [i, j, ...]}}: the
 *       blobs concatenated in that order, each blob's {@code from} where the previous one ends.</li>
 * </ul>
 * Map keys starting with {@code $} are reserved.
 */
final class StateCodec {
    static final String BLOB = "$blob";
    static final String FLOAT = "$float";
    static final String SLICES = "$slices";

    private StateCodec() {
    }

    /** Collects the blobs of one checkpoint while encoding its trees. */
    static final class Encoder {
        final List<String> names = new ArrayList<>();
        /** The driver's arrays (for tensors.bin); null for a blob an owner wrote to its own file. */
        final List<double[]> blobs = new ArrayList<>();
        /** For an owner's blob: its entry's fields besides the name (file, offset, count, sha256, from, to). */
        final List<Map<String, Object>> written = new ArrayList<>();

        /** Adds a blob under {@code name}; returns its reference node. */
        Map<String, Object> blob(String name, double[] values) {
            names.add(name);
            blobs.add(values);
            written.add(null);
            return Map.of(BLOB, blobs.size() - 1);
        }

        /** Adds blobs already written by owners (each entry's fields in order); returns the {@code $slices} node. */
        Map<String, Object> slices(String name, List<Map<String, Object>> entries) {
            List<Integer> refs = new ArrayList<>();
            for (Map<String, Object> e : entries) {
                names.add(name);
                blobs.add(null);
                written.add(e);
                refs.add(blobs.size() - 1);
            }
            return Map.of(SLICES, refs);
        }

        /** Encodes {@code value}; {@code path} names its blobs (e.g. {@code optimizer.state[0].exp_avg}). */
        Object encode(String path, Object value) {
            if (value == null || value instanceof Boolean || value instanceof String) return value;
            if (value instanceof double[] d) return blob(path, d.clone());
            if (value instanceof Double || value instanceof Float) {
                double v = ((Number) value).doubleValue();
                return Double.isFinite(v) ? (Object) v : Map.of(FLOAT, Double.toString(v));
            }
            if (value instanceof Integer || value instanceof Long || value instanceof Short) return value;
            if (value instanceof Map<?, ?> m) {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    String k = String.valueOf(e.getKey());
                    if (k.startsWith("$")) throw new IllegalArgumentException(path + ": key '" + k + "' is reserved");
                    out.put(k, encode(path.isEmpty() ? k : path + "." + k, e.getValue()));
                }
                return out;
            }
            if (value instanceof List<?> l) {
                List<Object> out = new ArrayList<>(l.size());
                for (int i = 0; i < l.size(); i++) out.add(encode(path + "[" + i + "]", l.get(i)));
                return out;
            }
            throw new IllegalArgumentException(path + ": cannot store a " + value.getClass().getName() + " in a checkpoint");
        }
    }

    /**
     * The inverse of {@link Encoder#encode}: blob references are replaced by copies of the blobs.
     * {@code from[i]} is blob i's {@code from} (-1 without one): {@code $slices} must start at 0 and
     * each slice where the previous one ends.
     */
    static Object decode(Object node, List<double[]> blobs, long[] from, String where) {
        if (node instanceof Map<?, ?> m) {
            if (m.size() == 1 && m.containsKey(SLICES)) return concatenate(m.get(SLICES), blobs, from, where);
            if (m.size() == 1 && m.containsKey(BLOB)) {
                Object i = m.get(BLOB);
                if (!(i instanceof Integer idx) || idx < 0 || idx >= blobs.size()) {
                    throw new SparkTrainException(where + ": bad blob reference " + i);
                }
                return blobs.get(idx).clone();
            }
            if (m.size() == 1 && m.containsKey(FLOAT)) {
                Object s = m.get(FLOAT);
                return switch (String.valueOf(s)) {
                    case "Infinity" -> Double.POSITIVE_INFINITY;
                    case "-Infinity" -> Double.NEGATIVE_INFINITY;
                    case "NaN" -> Double.NaN;
                    default -> throw new SparkTrainException(where + ": bad " + FLOAT + " value '" + s + "'");
                };
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                if (k.startsWith("$")) throw new SparkTrainException(where + ": reserved key '" + k + "' in a state map");
                out.put(k, decode(e.getValue(), blobs, from, where));
            }
            return out;
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(decode(o, blobs, from, where));
            return out;
        }
        return node;
    }

    private static double[] concatenate(Object refs, List<double[]> blobs, long[] from, String where) {
        if (!(refs instanceof List<?> l) || l.isEmpty()) throw new SparkTrainException(where + ": bad " + SLICES + " " + refs);
        long total = 0;
        for (Object i : l) {
            if (!(i instanceof Integer idx) || idx < 0 || idx >= blobs.size()) {
                throw new SparkTrainException(where + ": bad blob reference " + i + " in " + SLICES);
            }
            if (from[idx] != total) {
                throw new SparkTrainException(where + ": slice blob " + idx + " starts at " + from[idx] + ", expected " + total);
            }
            total += blobs.get(idx).length;
        }
        if (total > Integer.MAX_VALUE - 8) throw new SparkTrainException(where + ": " + SLICES + " of " + total + " values");
        double[] out = new double[(int) total];
        int at = 0;
        for (Object i : l) {
            double[] b = blobs.get((Integer) i);
            System.arraycopy(b, 0, out, at, b.length);
            at += b.length;
        }
        return out;
    }
}
