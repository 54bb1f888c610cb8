package dev.sparktrain.data;

import java.io.Serializable;

/** Feature scaling with the training set's mean and (population) standard deviation. */
public record Standardizer(double[] mean, double[] std) implements Serializable {

    /** From per-feature sums and sums of squares over {@code n} rows; constant features keep std 1. */
    public static Standardizer fromMoments(double[] sum, double[] sumSq, long n) {
        int d = sum.length;
        double[] mean = new double[d];
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = sum[j] / n;
            double var = Math.max(0, sumSq[j] / n - mean[j] * mean[j]);
            std[j] = var > 1e-24 ? Math.sqrt(var) : 1.0;
        }
        return new Standardizer(mean, std);
    }

    /** Scales a row-major block in place. */
    public void apply(double[] x) {
        int d = mean.length;
        for (int i = 0; i < x.length; i++) {
            int j = i % d;
            x[i] = (x[i] - mean[j]) / std[j];
        }
    }
}
