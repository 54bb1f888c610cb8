package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.ParamGroup;

import java.util.List;
import java.util.Map;

/**
 * Python's arithmetic as the schedulers need it, per-group values checked against the optimizer,
 * the groups' current lrs, and the check that a saved state is this scheduler's.
 */
final class ScheduleMath {
    private ScheduleMath() {
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

    /** One value per param group, as an array; {@code key} names the setting in the refusal. */
    static double[] perGroup(List<Double> values, int groups, String who, String key) {
        if (values.size() != groups) {
            throw new SparkTrainException(who + ": " + key + " has " + values.size() + " values, expected one per param group ("
                    + groups + ")");
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double[] currentLrs(Optimizer optimizer) {
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] lr = new double[groups.size()];
        for (int i = 0; i < lr.length; i++) lr[i] = groups.get(i).lr();
        return lr;
    }

    /** Refuses a state saved by another scheduler (its "scheduler" key is not {@code who}). */
    static void checkSavedBy(String who, Map<String, Object> m) {
        if (!who.equals(m.get("scheduler"))) {
            throw new SparkTrainException(who + " state: saved by scheduler '" + m.get("scheduler") + "'");
        }
    }

    static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
