package dev.sparktrain.optim;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Base of every optimizer: PyTorch's {@code torch.optim.Optimizer} over one flat parameter vector.
 * Configuration lives in {@link ParamGroup}s (validated once, mutable only as PyTorch's
 * param_groups are, e.g. by a scheduler); state lives in {@link GroupState}s. A subclass declares
 * its defaults, validates a group and implements the arithmetic of one step for one group.
 */
public abstract class Optimizer {
    /** Marks a hyper-parameter without default (SGD's lr in PyTorch 1.13). */
    protected static final Object REQUIRED = new Object() {
        @Override
        public String toString() {
            return "<required>";
        }
    };

    /** PyTorch implementation switches: accepted for compatibility, they do not change the numbers. */
    private static final Set<String> SWITCHES = Set.of("foreach", "differentiable", "capturable", "fused");

    private final String name;
    private final List<ParamGroup> groups = new ArrayList<>();
    private final List<GroupState> states = new ArrayList<>();

    /**
     * @param defaults PyTorch's defaults; the type of each value decides how options are read
     *                 (Double, Boolean, double[] for tuples such as betas, {@link #REQUIRED})
     * @param options  the constructor keyword arguments (apply to every group)
     * @param specs    the param groups; each may override any option
     */
    protected Optimizer(String name, Map<String, Object> defaults, Options options, List<GroupSpec> specs) {
        this.name = name;
        if (specs.isEmpty()) throw new SparkTrainException(name + ": optimizer got an empty parameter list");
        Set<String> allowed = new LinkedHashSet<>(defaults.keySet());
        allowed.addAll(SWITCHES);
        options.requireOnly(allowed);
        for (int i = 0; i < specs.size(); i++) {
            GroupSpec spec = specs.get(i);
            spec.overrides().requireOnly(allowed);
            Map<String, Object> resolved = new LinkedHashMap<>();
            for (Map.Entry<String, Object> d : defaults.entrySet()) {
                String key = d.getKey();
                Options src = spec.overrides().has(key) ? spec.overrides() : options;
                resolved.put(key, read(src, key, d.getValue()));
            }
            ParamGroup g = new ParamGroup(spec, resolved);
            validate(g, new Options(name + " param group " + i, resolved));
            groups.add(g);
            states.add(new GroupState());
        }
    }

    private Object read(Options src, String key, Object dflt) {
        if (dflt == REQUIRED) {
            if (!src.has(key)) throw src.error(key, name + " requires it");
            return src.getDouble(key);
        }
        if (dflt instanceof Boolean b) return src.getBool(key, b);
        if (dflt instanceof double[] pair) {
            double[] v = src.getDoubles(key, pair);
            if (v.length != pair.length) throw src.error(key, "expected " + pair.length + " numbers, got " + v.length);
            return v.clone(); // never share the DEFAULTS array with a group
        }
        if (dflt instanceof Number n) return src.getDouble(key, n.doubleValue());
        if (dflt instanceof String s) return src.getString(key, s);
        throw new IllegalStateException("unsupported default type for " + key);
    }

    /** Refuses out-of-range hyper-parameters with PyTorch's rule and the offending value. */
    protected abstract void validate(ParamGroup group, Options where);

    /** One step of one group: read hyper-parameters from {@code g}, update params in place. */
    protected abstract void stepGroup(ParamGroup g, GroupState s, double[] params, double[] grad);

    public final String name() {
        return name;
    }

    public final List<ParamGroup> paramGroups() {
        return Collections.unmodifiableList(groups);
    }

    /** Applies one optimizer step: {@code params} updated in place from {@code grad}. */
    public final void step(double[] params, double[] grad) {
        for (int i = 0; i < groups.size(); i++) stepGroup(groups.get(i), states.get(i), params, grad);
    }

    /** PyTorch's {@code state_dict()}: every group's hyper-parameters and state, copied. */
    public Map<String, Object> state() {
        List<Object> gs = new ArrayList<>();
        List<Object> ss = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            gs.add(groups.get(i).hyper());
            ss.add(states.get(i).toMap());
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", name);
        m.put("param_groups", gs);
        m.put("state", ss);
        return m;
    }

    /** PyTorch's {@code load_state_dict()}: refuses a state of another optimizer or shape. */
    @SuppressWarnings("unchecked")
    public void loadState(Map<String, Object> state) {
        String where = name + " state";
        if (!name.equals(state.get("optimizer"))) {
            throw new SparkTrainException(where + ": saved by optimizer '" + state.get("optimizer") + "'");
        }
        List<Object> gs = (List<Object>) state.get("param_groups");
        List<Object> ss = (List<Object>) state.get("state");
        if (gs == null || ss == null || gs.size() != groups.size() || ss.size() != groups.size()) {
            throw new SparkTrainException(where + ": expected " + groups.size() + " param groups");
        }
        List<GroupState> loaded = new ArrayList<>();
        List<Map<String, Object>> hypers = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            if (!(gs.get(i) instanceof Map<?, ?> h) || !(ss.get(i) instanceof Map<?, ?> st)) {
                throw new SparkTrainException(where + " group " + i + ": expected maps of hyper-parameters and state");
            }
            hypers.add(checkHyper(groups.get(i), (Map<String, Object>) h, where + " group " + i));
            loaded.add(GroupState.fromMap((Map<String, Object>) st, groups.get(i).size(), where + " group " + i));
        }
        for (int i = 0; i < groups.size(); i++) {
            groups.get(i).replaceHyper(hypers.get(i));
            states.set(i, loaded.get(i));
        }
    }

    /**
     * Saved hyper-parameters for {@code g}: the same keys with values of the same kinds (a number,
     * a flag, a tuple of the same length, a string) that pass this optimizer's own checks, or a
     * one-line refusal. Numbers become doubles (JSON reads 1 as an integer).
     */
    private Map<String, Object> checkHyper(ParamGroup g, Map<String, Object> saved, String where) {
        Map<String, Object> current = g.hyper();
        if (!saved.keySet().equals(current.keySet())) {
            throw new SparkTrainException(where + ": hyper-parameters " + new java.util.TreeSet<>(saved.keySet())
                    + ", expected " + new java.util.TreeSet<>(current.keySet()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : current.entrySet()) {
            Object now = e.getValue();
            Object v = saved.get(e.getKey());
            Object ok = null;
            if (now instanceof Number && v instanceof Number n && !Double.isNaN(n.doubleValue())) ok = n.doubleValue();
            else if (now instanceof Boolean && v instanceof Boolean) ok = v;
            else if (now instanceof String && v instanceof String) ok = v;
            else if (now instanceof double[] d && v instanceof double[] w && w.length == d.length) ok = w.clone();
            if (ok == null) {
                throw new SparkTrainException(where + ": hyper-parameter '" + e.getKey() + "' is " + show(v)
                        + ", expected " + (now instanceof double[] d ? d.length + " numbers" : "a " + now.getClass().getSimpleName()));
            }
            out.put(e.getKey(), ok);
        }
        ParamGroup candidate = new ParamGroup(g.spec(), out);
        validate(candidate, candidate.asOptions(where));
        return out;
    }

    /** PyTorch's check message: {@code Invalid <what> value: <v>}. */
    protected static void check(boolean ok, Options where, String key, String rule) {
        if (!ok) throw where.error(key, "invalid value " + show(where.raw(key)) + ": " + rule);
    }

    /** A value as written in messages: tuples such as betas print as {@code [0.9, 1.0]}. */
    private static String show(Object v) {
        return v instanceof double[] d ? java.util.Arrays.toString(d) : String.valueOf(v);
    }

    /** Helper for subclasses: an ordered map literal of defaults. */
    protected static Map<String, Object> defaults(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return Collections.unmodifiableMap(m);
    }
}
