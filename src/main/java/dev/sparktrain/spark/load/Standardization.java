package dev.sparktrain.spark.load;

import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.RowGroups;
import dev.sparktrain.data.SumTree;
import dev.sparktrain.data.Standardizer;
import dev.sparktrain.spark.Spark;
import org.apache.spark.api.java.JavaRDD;

import java.util.Arrays;
import java.util.List;

/** {@code data.standardize}: statistics from the training blocks, applied to every block. */
final class Standardization {
    private Standardization() {
    }

    /**
     * Mean and std of every feature over the training blocks, in one distributed pass: each row
     * group's sums (row by row, in order) are leaves of a {@link SumTree} over the groups, so the
     * statistics do not depend on partitioning. Sparse blocks get mean 0: centring would make
     * every zero non-zero.
     */
    static Standardizer fit(JavaRDD<PackedBlock> train, RowGroups groups, int d, long n, boolean sparse) {
        List<SumTree> parts = Spark.call("feature statistics", () -> train.map(b -> {
            SumTree t = new SumTree(groups.count());
            if (b.rows() == 0) return t;
            int g0 = groups.groupOf(b.firstRow());
            int g1 = groups.endGroup(b.firstRow(), b.rows());
            for (int g = g0; g < g1; g++) {
                double[] acc = new double[2 * d];
                double[] sum = new double[d];
                double[] sq = new double[d];
                int lo = (int) (groups.start(g) - b.firstRow());
                int hi = (int) (Math.min(groups.start(g + 1), b.firstRow() + b.rows()) - b.firstRow());
                b.addMoments(lo, hi, sum, sq);
                System.arraycopy(sum, 0, acc, 0, d);
                System.arraycopy(sq, 0, acc, d, d);
                t.put(g, acc);
            }
            return t;
        }).collect());
        SumTree all = new SumTree(groups.count());
        for (SumTree t : parts) all.merge(t);
        double[] m = all.root();
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
