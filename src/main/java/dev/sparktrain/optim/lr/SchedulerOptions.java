package dev.sparktrain.optim.lr;

import dev.sparktrain.config.Options;
import dev.sparktrain.optim.Optimizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/** Option reading shared by the scheduler registry's parsers. */
final class SchedulerOptions {
    /** The options every {@code _LRScheduler} takes besides its own. */
    static final List<String> LR_SCHEDULER_OPTIONS = List.of("verbose", "last_epoch");

    private SchedulerOptions() {
    }

    /**
     * Refuses unknown options. Besides {@code keys}, every {@code _LRScheduler} takes
     * {@code verbose} (accepted, ignored: nothing is printed) and {@code last_epoch}, accepted
     * only as -1: a schedule is resumed by loading its state, not by re-running PyTorch's
     * last_epoch path (which needs {@code initial_lr} already in the optimizer).
     */
    static void allow(Options o, List<String> keys) {
        List<String> allowed = new ArrayList<>(keys);
        allowed.addAll(LR_SCHEDULER_OPTIONS);
        o.requireOnly(allowed);
        if (present(o, "verbose")) o.getBool("verbose", false);
        if (present(o, "last_epoch") && o.getInt("last_epoch") != -1) {
            throw o.error("last_epoch", "only -1 (a fresh schedule) is supported, got " + o.raw("last_epoch")
                    + "; to resume, load the scheduler's saved state instead");
        }
    }

    /** Set and not null (PyTorch's {@code None} means "not given"). */
    static boolean present(Options o, String key) {
        return o.has(key) && o.raw(key) != null;
    }

    /**
     * PyTorch's "float or list" arguments ({@code max_lr}, {@code min_lr}, momentums): a scalar
     * applies to every group, a list needs one value per group.
     */
    static List<Double> perGroup(Options o, String key, Double dflt, Optimizer opt) {
        int n = opt.paramGroups().size();
        if (!present(o, key)) {
            if (dflt == null) throw o.error(key, "required but missing");
            return Collections.nCopies(n, dflt);
        }
        Object raw = o.raw(key);
        boolean isList = raw instanceof List<?> || raw instanceof double[]
                || (raw instanceof String s && s.trim().startsWith("["));
        if (!isList) return Collections.nCopies(n, o.getDouble(key));
        double[] v = o.getDoubles(key, null);
        if (v.length != n) throw o.error(key, "expected " + n + " values (one per param group), got " + v.length);
        return Arrays.stream(v).boxed().toList();
    }

    /** A list of whole numbers ({@code milestones}); required. */
    static List<Integer> ints(Options o, String key) {
        if (!present(o, key)) throw o.error(key, "required but missing");
        return Arrays.stream(o.getInts(key, null)).boxed().toList();
    }
}
