package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.optim.Optimizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Option reading and Python arithmetic shared by the schedulers. */
final class SchedulerArgs {
    private SchedulerArgs() {
    }

    /**
     * Refuses unknown options. Besides {@code keys}, every {@code _LRScheduler} takes
     * {@code verbose} (accepted, ignored: nothing is printed) and {@code last_epoch}, accepted
     * only as -1: a schedule is resumed by loading its state, not by re-running PyTorch's
     * last_epoch path (which needs {@code initial_lr} already in the optimizer).
     */
    static void allow(Options o, String... keys) {
        List<String> allowed = new ArrayList<>(Arrays.asList(keys));
        allowed.add("verbose");
        allowed.add("last_epoch");
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
    static double[] perGroup(Options o, String key, Double dflt, Optimizer opt) {
        int n = opt.paramGroups().size();
        double[] out = new double[n];
        if (!present(o, key)) {
            if (dflt == null) throw o.error(key, "required but missing");
            Arrays.fill(out, dflt);
            return out;
        }
        Object raw = o.raw(key);
        boolean isList = raw instanceof List<?> || raw instanceof double[]
                || (raw instanceof String s && s.trim().startsWith("["));
        if (!isList) {
            Arrays.fill(out, o.getDouble(key));
            return out;
        }
        double[] v = o.getDoubles(key, null);
        if (v.length != n) throw o.error(key, "expected " + n + " values (one per param group), got " + v.length);
        return v;
    }

    /** Python's float division: refuses a zero divisor where PyTorch raises ZeroDivisionError. */
    static double div(double a, double b, String who, String what) {
        if (b == 0.0) throw new SparkTrainException(who + ": division by zero computing " + what
                + " (PyTorch raises ZeroDivisionError here); check the options");
        return a / b;
    }

    /** Python's {@code bisect_right}, step for step (also on unsorted lists, as PyTorch would). */
    static int bisectRight(int[] a, int x) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (x < a[mid]) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }
}
