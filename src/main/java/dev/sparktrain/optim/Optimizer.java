package dev.sparktrain.optim;

import dev.sparktrain.SparkTrainException;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Base of every optimizer: PyTorch's {@code torch.optim.Optimizer} over one flat parameter vector.
 * An optimizer is built from one immutable settings record per param group ({@link GroupConfig});
 * the current hyper-parameters live in {@link ParamGroup}s (mutable only as PyTorch's
 * param_groups are, e.g. by a scheduler) and the state in {@link GroupState}s. A subclass reads
 * its settings back from a group and implements the arithmetic of one step for one group.
 * Serializable so that a slice of it ({@link OptimizerShard}) can travel to the executor that owns it.
 */
public abstract class Optimizer implements Serializable, Cloneable {
    private static final long serialVersionUID = 1L;
    private final String name;
    private final Decoder<? extends OptimizerSettings> decode;
    private List<ParamGroup> groups = new ArrayList<>();     // replaced only in a copy made by withGroups
    private List<GroupState> states = new ArrayList<>();

    /** Reads a settings record back from its param-group form; serializable with its optimizer. */
    @FunctionalInterface
    protected interface Decoder<S> extends Function<Map<String, Object>, S>, Serializable {
    }

    /**
     * @param configs the param groups, each validated here
     * @param decode  reads a settings record back from its param-group form (for loaded states)
     */
    protected <S extends OptimizerSettings> Optimizer(String name, List<GroupConfig<S>> configs, Decoder<S> decode) {
        this.name = name;
        this.decode = decode;
        if (configs.isEmpty()) throw emptyGroups(name);
        for (int i = 0; i < configs.size(); i++) {
            GroupConfig<S> c = configs.get(i);
            c.settings().validate(groupName(name, i));
            groups.add(new ParamGroup(c.offsets(), c.lengths(), c.settings().toMap()));
            states.add(new GroupState());
        }
    }

    /**
     * The same optimizer (class, constructor arguments such as Adagrad's initial accumulator) over
     * {@code newGroups}, with fresh state: how a shard gets the step code of the full optimizer.
     */
    final Optimizer withGroups(List<ParamGroup> newGroups) {
        if (newGroups.size() != groups.size()) throw new IllegalArgumentException("expected " + groups.size() + " groups");
        Optimizer copy;
        try {
            copy = (Optimizer) super.clone();   // a shallow copy keeps the subclass and its constructor's fields
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
        copy.groups = new ArrayList<>(newGroups);
        copy.states = new ArrayList<>();
        for (int i = 0; i < newGroups.size(); i++) copy.states.add(new GroupState());
        return copy;
    }

    static SparkTrainException emptyGroups(String name) {
        return new SparkTrainException(name + ": optimizer got an empty parameter list");
    }

    /** How messages name group {@code i}: {@code Adam param group 1}. */
    static String groupName(String name, int i) {
        return name + " param group " + i;
    }

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
     * a flag, a tuple of the same length, a string), or a one-line refusal. Numbers become doubles
     * (JSON reads 1 as an integer). The values themselves are not range-checked, as PyTorch's
     * {@code load_state_dict} does not check them: a scheduler may have driven lr below zero (a
     * ChainedScheduler of cosine schedules, an extrapolated OneCycleLR) and the run must resume.
     */
    private Map<String, Object> checkHyper(ParamGroup g, Map<String, Object> saved, String where) {
        Map<String, Object> current = g.hyper();
        if (!saved.keySet().equals(current.keySet())) {
            throw new SparkTrainException(where + ": hyper-parameters " + new TreeSet<>(saved.keySet())
                    + ", expected " + new TreeSet<>(current.keySet()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : current.entrySet()) {
            Object now = e.getValue();
            Object v = saved.get(e.getKey());
            Object ok = null;
            if (now instanceof Number && v instanceof Number n) ok = n.doubleValue();
            else if (now instanceof Boolean && v instanceof Boolean) ok = v;
            else if (now instanceof String && v instanceof String) ok = v;
            else if (now instanceof double[] d && v instanceof double[] w && w.length == d.length) ok = w.clone();
            if (ok == null) {
                throw new SparkTrainException(where + ": hyper-parameter '" + e.getKey() + "' is " + Hyper.show(v)
                        + ", expected " + (now instanceof double[] d ? d.length + " numbers" : "a " + now.getClass().getSimpleName()));
            }
            out.put(e.getKey(), ok);
        }
        decode.apply(out); // reads back into the settings record (the kinds above make it fit)
        return out;
    }
}
