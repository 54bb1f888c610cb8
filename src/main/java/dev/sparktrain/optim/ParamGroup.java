package dev.sparktrain.optim;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One of PyTorch's {@code param_groups}: the ranges of the flat vector it covers and the current
 * hyper-parameters, starting from the group's settings record in its map form. Schedulers change
 * {@code lr} (and {@code momentum} or {@code betas[0]}) and add their own keys here; the optimizer
 * reads its settings back at every step, so its state is untouched by such changes.
 */
public final class ParamGroup implements Serializable {
    private final int[] offsets;
    private final int[] lengths;
    private final int size;
    private final Map<String, Object> hyper;

    ParamGroup(int[] offsets, int[] lengths, Map<String, Object> resolved) {
        this.offsets = offsets.clone();
        this.lengths = lengths.clone();
        int n = 0;
        for (int l : lengths) n += l;
        this.size = n;
        this.hyper = new LinkedHashMap<>();
        resolved.forEach(this::set);
    }

    /** The same ranges and hyper-parameters, independent of this group. */
    ParamGroup copy() {
        return new ParamGroup(offsets, lengths, hyper());
    }

    /** Number of parameters in this group (the length of each of its state buffers). */
    public int size() {
        return size;
    }

    /** A kernel over one contiguous range: params/grad at {@code pOff}, state buffers at {@code sOff}. */
    @FunctionalInterface
    public interface RangeKernel {
        void apply(int pOff, int sOff, int len);
    }

    /** Runs {@code k} over every range; state offsets run contiguously from 0 to {@link #size()}. */
    public void forEachRange(RangeKernel k) {
        int s = 0;
        for (int r = 0; r < offsets.length; r++) {
            k.apply(offsets[r], s, lengths[r]);
            s += lengths[r];
        }
    }

    public double lr() {
        return getDouble("lr");
    }

    public void setLr(double lr) {
        hyper.put("lr", lr);
    }

    public boolean has(String key) {
        return hyper.containsKey(key);
    }

    public double getDouble(String key) {
        Object v = hyper.get(key);
        if (v instanceof Number n) return n.doubleValue();
        throw new IllegalStateException("param group has no numeric '" + key + "': " + v);
    }

    public double[] getPair(String key) {
        return ((double[]) hyper.get(key)).clone();
    }

    public void set(String key, Object value) {
        hyper.put(key, value instanceof double[] d ? d.clone() : value);
    }

    /** Sets a value only if the key is absent (PyTorch's {@code group.setdefault}). */
    public void setDefault(String key, Object value) {
        hyper.putIfAbsent(key, value);
    }

    /** The hyper-parameters as a map (arrays copied), for state dicts and logs. */
    public Map<String, Object> hyper() {
        Map<String, Object> m = new LinkedHashMap<>();
        hyper.forEach((k, v) -> m.put(k, v instanceof double[] d ? d.clone() : v));
        return m;
    }

    void replaceHyper(Map<String, Object> values) {
        hyper.clear();
        values.forEach(this::set);
    }

    /** Read-only view of the hyper-parameters, for an optimizer to read its settings from. */
    Map<String, Object> values() {
        return Collections.unmodifiableMap(hyper);
    }
}
