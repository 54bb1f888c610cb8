package dev.sparktrain.optim;

import dev.sparktrain.SparkTrainException;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-group optimizer state (PyTorch's {@code optimizer.state[p]} for the group's parameters,
 * flattened): a step counter, named scalars and named buffers of length {@link ParamGroup#size()}.
 * Buffers are created lazily, as PyTorch does (SGD's momentum buffer starts as the first gradient).
 */
public final class GroupState implements Serializable {
    private long step;
    private final Map<String, Double> scalars = new LinkedHashMap<>();
    private final Map<String, double[]> buffers = new LinkedHashMap<>();

    public long step() {
        return step;
    }

    /** Increments and returns the step counter (PyTorch's {@code state['step'] += 1}). */
    public long nextStep() {
        return ++step;
    }

    public boolean hasBuffer(String name) {
        return buffers.containsKey(name);
    }

    /** The named buffer, created filled with {@code init} on first use. */
    public double[] buffer(String name, int size, double init) {
        return buffers.computeIfAbsent(name, k -> {
            double[] b = new double[size];
            if (init != 0.0) Arrays.fill(b, init);
            return b;
        });
    }

    public double scalar(String name, double init) {
        return scalars.computeIfAbsent(name, k -> init);
    }

    public void setScalar(String name, double value) {
        scalars.put(name, value);
    }

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        scalars.forEach(m::put);
        buffers.forEach((k, v) -> m.put(k, v.clone()));
        return m;
    }

    static GroupState fromMap(Map<String, Object> m, int size, String where) {
        GroupState s = new GroupState();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            Object v = e.getValue();
            if (e.getKey().equals("step")) {
                if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 0) {
                    throw new SparkTrainException(where + ": 'step' must be an integer >= 0, got " + v);
                }
                s.step = ((Number) v).longValue();
            } else if (v instanceof double[] d) {
                if (d.length != size) {
                    throw new SparkTrainException(where + ": state buffer '" + e.getKey()
                            + "' has " + d.length + " values, expected " + size);
                }
                s.buffers.put(e.getKey(), d.clone());
            } else if (v instanceof Number n) {
                s.scalars.put(e.getKey(), n.doubleValue());
            } else {
                throw new SparkTrainException(where + ": unexpected state entry '" + e.getKey() + "'");
            }
        }
        return s;
    }
}
