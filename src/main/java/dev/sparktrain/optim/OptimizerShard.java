package dev.sparktrain.optim;

import dev.sparktrain.SparkTrainException;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An optimizer over the slice [from, to) of the flat parameter vector (ZeRO-1): the same optimizer
 * code on the param groups cut to the slice (offsets re-based to 0 = element {@code from}) and the
 * state of exactly those elements. Every element's update reads only its own state and its group's
 * scalars, so a shard's step gives the bits of the full step on its slice; groups with no element
 * in the slice still step (0-length buffers), so step counters and group scalars such as NAdam's
 * mu_product stay those of the full optimizer in every shard.
 *
 * <p>A shard's {@link #state()} is the {@link Optimizer#state()} form with every buffer cut to the
 * group's elements in the slice, in the group's state order; {@link #mergedState} puts shards that
 * cover the vector back together into the full optimizer's state.
 */
public final class OptimizerShard implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int from;
    private final int to;
    private final Optimizer slice;

    private OptimizerShard(int from, int to, Optimizer slice) {
        this.from = from;
        this.to = to;
        this.slice = slice;
    }

    /**
     * The shard [from, to) of {@code opt} as it is now: its hyper-parameters and the state of the
     * slice. It copies {@code opt.state()}: for many shards, take that once and use {@link #of(Optimizer, Map, int, int)}.
     */
    public static OptimizerShard of(Optimizer opt, int from, int to) {
        return of(opt, opt.state(), from, to);
    }

    /**
     * The shard [from, to) of a full saved state of {@code opt}'s kind and groups (a checkpoint:
     * resuming cuts it again at the new owners' bounds); {@code opt} gives the groups' ranges and
     * the optimizer's code and constructor arguments.
     */
    @SuppressWarnings("unchecked")
    public static OptimizerShard of(Optimizer opt, Map<String, Object> fullState, int from, int to) {
        if (from < 0 || from > to) throw new IllegalArgumentException("bad shard bounds [" + from + ", " + to + ")");
        List<ParamGroup> full = opt.paramGroups();
        List<ParamGroup> cutGroups = new ArrayList<>();
        for (ParamGroup g : full) {
            List<int[]> pieces = pieces(g, from, to);
            cutGroups.add(new ParamGroup(pieces.stream().mapToInt(c -> c[0]).toArray(),
                    pieces.stream().mapToInt(c -> c[2]).toArray(), g.hyper()));
        }
        Optimizer slice = opt.withGroups(cutGroups);
        Object ss = fullState.get("state");
        if (!(ss instanceof List<?> states) || states.size() != full.size()) {
            throw new SparkTrainException(opt.name() + " state: expected " + full.size() + " param groups");
        }
        List<Object> cutStates = new ArrayList<>();
        for (int i = 0; i < full.size(); i++) {
            if (!(states.get(i) instanceof Map<?, ?> st)) {
                throw new SparkTrainException(opt.name() + " state group " + i + ": expected a map of state");
            }
            cutStates.add(cutState((Map<String, Object>) st, full.get(i), from, to, opt.name() + " state group " + i));
        }
        Map<String, Object> cut = new LinkedHashMap<>(fullState);
        cut.put("state", cutStates);
        slice.loadState(cut);   // checks the name and the hyper-parameters as any load does
        return new OptimizerShard(from, to, slice);
    }

    public int from() {
        return from;
    }

    public int to() {
        return to;
    }

    /** Every group's current hyper-parameters, as {@link #setHypers} takes them (the driver's, moved by a scheduler). */
    public static List<Map<String, Object>> hypers(Optimizer opt) {
        return opt.paramGroups().stream().map(ParamGroup::hyper).toList();
    }

    /** Replaces the shard's hyper-parameters with the driver's ({@link #hypers}), before each step. */
    public void setHypers(List<Map<String, Object>> hypers) {
        List<ParamGroup> gs = slice.paramGroups();
        if (hypers.size() != gs.size()) throw new IllegalArgumentException("expected " + gs.size() + " param groups");
        for (int i = 0; i < gs.size(); i++) gs.get(i).replaceHyper(hypers.get(i));
    }

    /**
     * One step on the slice: {@code p} and {@code g} hold the to-from values of the slice
     * ({@code g[0]} is element {@code from}); the bits of the full optimizer's step there.
     */
    public void step(double[] p, double[] g) {
        if (p.length != to - from || g.length != to - from) {
            throw new IllegalArgumentException("shard [" + from + ", " + to + ") got " + p.length + " params and "
                    + g.length + " gradients");
        }
        slice.step(p, g);
    }

    /**
     * An independent copy: stepping it leaves this shard as it was (a cached shard must not change,
     * so that a recomputed partition starts from the same state).
     */
    public OptimizerShard copy() {
        List<ParamGroup> gs = new ArrayList<>();
        for (ParamGroup g : slice.paramGroups()) gs.add(g.copy());
        Optimizer s = slice.withGroups(gs);
        s.loadState(slice.state()); // state() copies every buffer
        return new OptimizerShard(from, to, s);
    }

    /** The shard's state in the {@link Optimizer#state()} form, buffers cut to the slice. */
    public Map<String, Object> state() {
        return slice.state();
    }

    /**
     * The full state from the states of shards [bounds[k], bounds[k+1]) that cover {@code opt}'s
     * groups, in order: what {@code opt.state()} of the unsharded run is. {@code opt} gives the
     * name and the groups' ranges only; its own state is not read.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> mergedState(Optimizer opt, int[] bounds, List<Map<String, Object>> shardStates) {
        if (bounds.length != shardStates.size() + 1 || shardStates.isEmpty() || bounds[0] != 0) {
            throw new IllegalArgumentException("need bounds 0 = b0 <= ... <= bk for k shard states");
        }
        List<ParamGroup> groups = opt.paramGroups();
        List<Object> merged = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup g = groups.get(i);
            Map<String, Object> first = groupState(shardStates.get(0), i);
            Map<String, Object> m = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : first.entrySet()) {
                m.put(e.getKey(), e.getValue() instanceof double[] ? new double[g.size()] : e.getValue());
            }
            int covered = 0;
            for (int k = 0; k < shardStates.size(); k++) {
                Map<String, Object> st = groupState(shardStates.get(k), i);
                if (!st.keySet().equals(m.keySet())) throw new IllegalStateException("shard " + k + " group " + i + ": other state keys");
                List<int[]> pieces = pieces(g, bounds[k], bounds[k + 1]);
                for (Map.Entry<String, Object> e : st.entrySet()) {
                    if (e.getValue() instanceof double[] part) {
                        copyPieces(pieces, part, (double[]) m.get(e.getKey()), false);
                    } else if (!Objects.equals(e.getValue(), m.get(e.getKey()))) {
                        throw new IllegalStateException("shard " + k + " group " + i + ": '" + e.getKey() + "' is "
                                + e.getValue() + ", shard 0 has " + m.get(e.getKey()));
                    }
                }
                for (int[] c : pieces) covered += c[2];
            }
            if (covered != g.size()) {
                throw new IllegalArgumentException("shards cover " + covered + " of group " + i + "'s " + g.size() + " values");
            }
            merged.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("optimizer", opt.name());
        out.put("param_groups", ((List<Object>) shardStates.get(0).get("param_groups")).stream()
                .map(h -> (Object) new LinkedHashMap<>((Map<String, Object>) h)).toList());
        out.put("state", merged);
        return out;
    }

    /**
     * Whether every group's ranges run in increasing order of the flat vector: then the shards of a
     * state buffer, in shard order, are its consecutive pieces, so concatenating them gives the
     * full buffer (how a sharded checkpoint stores it).
     */
    public static boolean buffersConcatenate(Optimizer opt) {
        for (ParamGroup g : opt.paramGroups()) {
            int[] end = {0};
            boolean[] ordered = {true};
            g.forEachRange((po, so, len) -> {
                if (po < end[0]) ordered[0] = false;
                end[0] = po + len;
            });
            if (!ordered[0]) return false;
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> groupState(Map<String, Object> state, int i) {
        return (Map<String, Object>) ((List<Object>) state.get("state")).get(i);
    }

    /** One group's saved state cut to [from, to): scalars copied, buffers cut. */
    private static Map<String, Object> cutState(Map<String, Object> st, ParamGroup g, int from, int to, String where) {
        List<int[]> pieces = pieces(g, from, to);
        int n = 0;
        for (int[] c : pieces) n += c[2];
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : st.entrySet()) {
            Object v = e.getValue();
            if (v instanceof double[] d) {
                if (d.length != g.size()) {
                    throw new SparkTrainException(where + ": state buffer '" + e.getKey() + "' has " + d.length
                            + " values, expected " + g.size());
                }
                double[] part = new double[n];
                copyPieces(pieces, part, d, true);
                v = part;
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /**
     * Copies between a shard's buffer (its pieces back to back, in order) and the full group's
     * buffer: {@code toShard} from full into part, else from part into full.
     */
    private static void copyPieces(List<int[]> pieces, double[] part, double[] full, boolean toShard) {
        int n = 0;
        for (int[] c : pieces) n += c[2];
        if (part.length != n) throw new IllegalStateException("a shard buffer has " + part.length + " values, expected " + n);
        int at = 0;
        for (int[] c : pieces) {
            if (toShard) System.arraycopy(full, c[1], part, at, c[2]);
            else System.arraycopy(part, at, full, c[1], c[2]);
            at += c[2];
        }
    }

    /**
     * The parts of {@code g}'s ranges inside [from, to), in the group's order, each as
     * {offset in the slice, offset in the group's state buffers, length}.
     */
    private static List<int[]> pieces(ParamGroup g, int from, int to) {
        List<int[]> out = new ArrayList<>();
        g.forEachRange((po, so, len) -> {
            int a = Math.max(po, from), b = Math.min(po + len, to);
            if (a < b) out.add(new int[] {a - from, so + (a - po), b - a});
        });
        return out;
    }
}
