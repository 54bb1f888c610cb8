package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;

import java.util.List;

/** Python's arithmetic as the schedulers need it, and per-group values checked against the optimizer. */
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

    static int[] ints(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
