package dev.sparktrain.spark;

import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Linear;
import dev.sparktrain.nn.Sequential;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a training partition of CSR blocks reads and produces gradient for, with a first layer
 * {@code Linear(in, out)} at offset 0: its weights {@code o·in + j} at the columns j its rows
 * touch only ({@code Linear.forwardCsr}/{@code backwardCsr} read and add nowhere else, so the
 * gradient stays exactly +0.0 at every other column), and every parameter after that matrix. The
 * block is cached, so this is fixed for the run: computed once per {@link ShardedStep}.
 *
 * <p>A partition's needs are its <i>picks</i>: per slice k, the ascending positions in the
 * kernel's sums vector (d parameters then {@link BatchKernel#STATS} statistics) of the needed
 * parameters inside slice k, followed by the statistics' positions d.. d+STATS-1. The owners
 * hold them as indices into their slice's vector (slice, then statistics). The partition itself
 * computes in its compact space ({@link CompactPartition}), where the picked values are the
 * whole parameter vector: its task costs the touched columns, not d.
 */
final class SparseNeeds {
    private SparseNeeds() {
    }

    /**
     * One RDD's needs: per partition its compact view ({@link CompactPartition}, co-partitioned with
     * the RDD's blocks), the compact blocks alone (the same partitions), and the picks as the owners
     * hold them (slice k → (partition, indices into the slice's vector); co-partitioned with the
     * state). The views and the owners' picks are cached.
     */
    record Picks(JavaRDD<CompactPartition> perPartition, JavaRDD<PackedBlock> blocks,
                 JavaPairRDD<Integer, Tuple2<Integer, int[]>> byOwner) {
        void unpersist() {
            perPartition.unpersist(false);
            byOwner.unpersist(false);
        }
    }

    /**
     * The picks of {@code blocks} (one job computes them, only a count reaches the driver), or null
     * when some partition needs every value: a dense block, or a first layer that is not linear.
     */
    static Picks of(JavaRDD<PackedBlock> blocks, Sequential model, int[] bounds, String what) {
        if (!applies(model)) return null;
        Linear first = (Linear) model.layers().get(0);
        int in = first.inFeatures(), out = first.outFeatures();
        JavaRDD<CompactPartition> p = blocks.mapPartitions(it ->
                java.util.Collections.singletonList(CompactPartition.of(it, in, out, bounds)).iterator(), true);
        p.setName("sparktrain compact partitions of the " + what).persist(StorageLevel.MEMORY_AND_DISK());
        if (p.filter(x -> x == null).count() > 0) {
            p.unpersist(false);
            return null;
        }
        JavaRDD<int[][]> picks = p.map(c -> picks(c.touched(), in, out, bounds));
        JavaPairRDD<Integer, Tuple2<Integer, int[]>> owned = byOwner(picks, bounds).partitionBy(new HashPartitioner(bounds.length - 1));
        owned.setName("sparktrain sparse picks of the " + what + " by owner").persist(StorageLevel.MEMORY_AND_DISK());
        return new Picks(p, p.mapPartitions(it -> it.next().blocks().iterator(), true), owned);
    }

    /** Whether the model's parameters can be split this way: a linear first layer at offset 0. */
    static boolean applies(Sequential model) {
        return model.layers().get(0) instanceof Linear && model.offset(0) == 0;
    }

    /** A partition's picks when its rows touch the columns {@code touched} (ascending) of a first layer {@code Linear(in, out)}. */
    static int[][] picks(int[] touched, int in, int out, int[] bounds) {
        int d = bounds[bounds.length - 1];
        int[] needed = new int[out * touched.length + d - out * in];
        int n = 0;
        for (int o = 0; o < out; o++) for (int j : touched) needed[n++] = o * in + j;
        for (int a = out * in; a < d; a++) needed[n++] = a;
        int[][] picks = new int[bounds.length - 1][];
        for (int k = 0; k < picks.length; k++) {
            int lo = insertionPoint(needed, bounds[k]), hi = insertionPoint(needed, bounds[k + 1]);
            picks[k] = Arrays.copyOf(Arrays.copyOfRange(needed, lo, hi), hi - lo + BatchKernel.STATS);
            for (int t = 0; t < BatchKernel.STATS; t++) picks[k][hi - lo + t] = d + t;
        }
        return picks;
    }

    /** The owners' view: for slice k, (partition, its picks as indices into slice k's vector of length + statistics). */
    private static JavaPairRDD<Integer, Tuple2<Integer, int[]>> byOwner(JavaRDD<int[][]> picks, int[] bounds) {
        int d = bounds[bounds.length - 1];
        return picks.mapPartitionsWithIndex((p, it) -> {
            int[][] pick = it.next();
            List<Tuple2<Integer, Tuple2<Integer, int[]>>> out = new ArrayList<>(pick.length);
            for (int k = 0; k < pick.length; k++) {
                int from = bounds[k], len = bounds[k + 1] - from;
                int[] rel = new int[pick[k].length];
                for (int i = 0; i < rel.length; i++) rel[i] = pick[k][i] < d ? pick[k][i] - from : len + pick[k][i] - d;
                out.add(new Tuple2<>(k, new Tuple2<>(p, rel)));
            }
            return out.iterator();
        }, true).mapToPair(t -> t);
    }

    /** Slice {@code s}'s values at its needed indices {@code rel} (the statistics' indices at the end left out). */
    static double[] values(double[] slice, int[] rel) {
        double[] v = new double[rel.length - BatchKernel.STATS];
        for (int i = 0; i < v.length; i++) v[i] = slice[rel[i]];
        return v;
    }

    private static int insertionPoint(int[] sorted, int key) {
        int i = Arrays.binarySearch(sorted, key);
        return i >= 0 ? i : -i - 1;
    }
}
