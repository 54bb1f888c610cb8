package dev.sparktrain.spark.load;

import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.Standardizer;
import dev.sparktrain.spark.Spark;
import org.apache.spark.api.java.JavaRDD;

import java.util.Arrays;

/** {@code data.standardize}: statistics from the training blocks, applied to every block. */
final class Standardization {
    private Standardization() {
    }

    /**
     * Mean and std of every feature over the training blocks, in one distributed pass. Sparse
     * blocks get mean 0: centring would make every zero non-zero.
     */
    static Standardizer fit(JavaRDD<PackedBlock> train, int d, long n, boolean sparse) {
        double[] m = Spark.call("feature statistics", () -> train.map(b -> {
            double[] acc = new double[2 * d];
            double[] sum = new double[d];
            double[] sq = new double[d];
            b.addMoments(sum, sq);
            System.arraycopy(sum, 0, acc, 0, d);
            System.arraycopy(sq, 0, acc, d, d);
            return acc;
        }).collect().stream().reduce((a, b) -> { // partition order: reduce() would add in task-completion order
            for (int i = 0; i < a.length; i++) a[i] += b[i];
            return a;
        }).orElseThrow());
        Standardizer st = Standardizer.fromMoments(Arrays.copyOf(m, d), Arrays.copyOfRange(m, d, 2 * d), n);
        return sparse ? new Standardizer(new double[d], st.std()) : st;
    }

    /** The blocks scaled by {@code st}, cached; the unscaled ones are dropped. */
    static JavaRDD<PackedBlock> scaled(JavaRDD<PackedBlock> blocks, Standardizer st, String what) {
        JavaRDD<PackedBlock> out = Blocks.cache(blocks.map(b -> b.scaled(st)), what);
        blocks.unpersist(false);
        return out;
    }
}
