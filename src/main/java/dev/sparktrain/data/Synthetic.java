package dev.sparktrain.data;

import dev.sparktrain.SparkTrainException;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A deterministic synthetic data set: row {@code i} depends only on (seed, i), so any partition
 * can make its rows alone and the data set is the same for any number of partitions. Features
 * are standard normal; with {@code density < 1} each row has {@code density × features}
 * non-zeros (on average) at uniformly chosen positions. Labels come from a random linear
 * "teacher" {@code W} (standard normal, fixed by the seed): the scores
 * {@code s = W·x / sqrt(non-zeros per row)} plus {@code noise × N(0,1)} give the class (argmax)
 * or, for regression ({@code classes == 0}), the target itself — learnable by a linear model up
 * to the noise.
 */
public final class Synthetic implements Serializable {
    private final long rows;
    private final int features;
    private final int classes;
    private final double density;
    private final long seed;
    private final double noise;
    private transient double[] teacher;

    public Synthetic(long rows, int features, int classes, double density, long seed, double noise) {
        if (rows < 1) throw new SparkTrainException("generate: rows must be >= 1, got " + rows);
        if (features < 1) throw new SparkTrainException("generate: features must be >= 1, got " + features);
        if (classes < 0 || classes == 1) throw new SparkTrainException("generate: classes must be 0 (regression) or >= 2, got " + classes);
        if (!(density > 0 && density <= 1)) throw new SparkTrainException("generate: density must be in (0, 1], got " + density);
        if (!(noise >= 0)) throw new SparkTrainException("generate: noise must be >= 0, got " + noise);
        if ((long) Math.max(1, classes) * features > Integer.MAX_VALUE - 8) {
            throw new SparkTrainException("generate: classes × features must stay below 2^31");
        }
        this.rows = rows;
        this.features = features;
        this.classes = classes;
        this.density = density;
        this.seed = seed;
        this.noise = noise;
    }

    public long rows() {
        return rows;
    }

    public int features() {
        return features;
    }

    public int classes() {
        return classes;
    }

    public double density() {
        return density;
    }

    public boolean dense() {
        return density >= 1;
    }

    /** One generated row: its non-zeros (ascending indices; every index when dense) and label. */
    public record Sample(int[] indices, double[] values, double label) {
        /** The features as a dense array. */
        public double[] dense(int features) {
            double[] x = new double[features];
            for (int k = 0; k < indices.length; k++) x[indices[k]] = values[k];
            return x;
        }
    }

    /** Row {@code i} of the data set. */
    public Sample row(long i) {
        if (teacher == null) teacher = teacher();
        SplittableRandom rng = new SplittableRandom(EpochOrder.mix(seed * 0x9E3779B97F4A7C15L + i + 1));
        int[] idx;
        if (dense()) {
            idx = new int[features];
            for (int j = 0; j < features; j++) idx[j] = j;
        } else {
            double expected = density * features;
            int k = (int) Math.floor(expected);
            if (rng.nextDouble() < expected - k) k++;
            idx = choose(rng, Math.min(k, features));
        }
        double[] val = new double[idx.length];
        for (int k = 0; k < idx.length; k++) val[k] = rng.nextGaussian();
        int outs = Math.max(1, classes);
        double scale = 1.0 / Math.sqrt(Math.max(1.0, density * features));
        double best = Double.NEGATIVE_INFINITY;
        int bestClass = 0;
        double target = 0;
        for (int c = 0; c < outs; c++) {
            double s = 0;
            int w = c * features;
            for (int k = 0; k < idx.length; k++) s += teacher[w + idx[k]] * val[k];
            s = s * scale + noise * rng.nextGaussian();
            if (s > best) {
                best = s;
                bestClass = c;
            }
            target = s;
        }
        return new Sample(idx, val, classes == 0 ? target : bestClass);
    }

    /** {@code k} distinct indices in [0, features), ascending. */
    private int[] choose(SplittableRandom rng, int k) {
        int[] out = new int[k];
        if ((long) k * 8 < features) {
            // Floyd's algorithm: k draws, no rejection loop.
            Set<Integer> chosen = new HashSet<>();
            int n = 0;
            for (int j = features - k; j < features; j++) {
                int t = rng.nextInt(j + 1);
                int pick = chosen.add(t) ? t : j;
                if (pick == j) chosen.add(j);
                out[n++] = pick;
            }
            Arrays.sort(out);
        } else {
            // Selection sampling (Knuth's algorithm S): one pass over the indices.
            int n = 0;
            for (int j = 0; j < features && n < k; j++) {
                if (rng.nextDouble() * (features - j) < k - n) out[n++] = j;
            }
        }
        return out;
    }

    /** The teacher weights, {@code max(1, classes) × features}, from the seed alone. */
    double[] teacher() {
        SplittableRandom rng = new SplittableRandom(EpochOrder.mix(seed ^ 0x7EAC4E5L));
        double[] w = new double[Math.max(1, classes) * features];
        for (int i = 0; i < w.length; i++) w[i] = rng.nextGaussian();
        return w;
    }

    /** Rows [from, to) as dense row-major features and labels (tests, small data sets). */
    public double[][] denseRows(long from, int count) {
        double[] x = new double[count * features];
        double[] y = new double[count];
        for (int r = 0; r < count; r++) {
            Sample s = row(from + r);
            for (int k = 0; k < s.indices().length; k++) x[r * features + s.indices()[k]] = s.values()[k];
            y[r] = s.label();
        }
        return new double[][] {x, y};
    }
}
