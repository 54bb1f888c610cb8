package dev.sparktrain.bench;

import java.util.Arrays;

/** Robust summaries of repeated timings (the machine is shared and noisy: medians, not means). */
final class Stats {
    private Stats() {
    }

    static double median(double[] v) {
        return quantile(v, 0.5);
    }

    static double quantile(double[] v, double q) {
        if (v.length == 0) return Double.NaN;
        double[] s = v.clone();
        Arrays.sort(s);
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(s.length - 1, lo + 1);
        return s[lo] + (pos - lo) * (s[hi] - s[lo]);
    }

    static double[] array(java.util.List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) m = Math.min(m, x);
        return m;
    }

    static double ms(long nanos) {
        return nanos / 1e6;
    }
}
