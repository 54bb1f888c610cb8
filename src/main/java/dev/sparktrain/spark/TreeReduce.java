package dev.sparktrain.spark;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.RowGroups;
import dev.sparktrain.data.SumTree;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import scala.Tuple2;

import java.util.List;

/**
 * Where the partitions' partial {@link SumTree}s become one. Merging is order-free (a node is
 * formed only from its two final children), so the root has the same bits wherever and in
 * whatever order this happens; only the cost differs:
 * <ul>
 *   <li><b>driver</b>: every task returns its partial tree to the driver (one job). T tasks send
 *       about T d-vectors into the driver: cheapest for small models.</li>
 *   <li><b>executors</b>: the partial trees of runs of about √T neighbouring partitions are merged
 *       by reduce tasks, and those by one more, so the driver receives exactly one d-vector
 *       (with the loss and counts) whatever T (one job of three stages; the shuffle files are
 *       removed after each step). Neighbours' trees merge into few nodes, so each reduce task
 *       sends on one or two vectors.</li>
 * </ul>
 * {@code auto} merges on the executors when more than two tasks would send the driver more than
 * {@link #DRIVER_MAX_VALUES} values in all (from d ≈ 3.5e5 at 3 tasks, 6.5e4 at 16). Two tasks'
 * trees go to the driver whatever d: the extra stages and shuffle files cost more than the
 * second vector saves (the 1M-parameter step at batch 1024 on 2 partitions: ~180 ms through the
 * driver, ~320 ms through the executors in ./bench.sh).
 */
final class TreeReduce {
    /** In auto mode: most values (vector entries) the driver path may pull in per step. */
    static final long DRIVER_MAX_VALUES = 1L << 20;

    private TreeReduce() {
    }

    enum Mode {
        AUTO, DRIVER, EXECUTORS;

        static Mode parse(String v) {
            try {
                return valueOf(v.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new SparkTrainException(SparkBackend.REDUCE_CONF + ": expected auto, driver or executors, got '" + v + "'");
            }
        }

        boolean onExecutors(long d, int tasks) {
            return switch (this) {
                case DRIVER -> false;
                case EXECUTORS -> true;
                case AUTO -> tasks > 2 && (d + 4) * tasks > DRIVER_MAX_VALUES;
            };
        }
    }

    /** The partial trees returned to the driver, merged there. */
    static SumTree onDriver(SumTree[] parts, RowGroups groups) {
        SumTree t = new SumTree(groups.leaves());
        for (SumTree p : parts) t.merge(p);
        return t;
    }

    /** Every partition's partial tree, merged on the executors; the driver gets the one result. */
    static SumTree onExecutors(JavaSparkContext jsc, JavaRDD<PackedBlock> blocks, SumTasks.PartitionTask task, RowGroups groups) {
        int parts = blocks.getNumPartitions();
        int fan = (int) Math.ceil(Math.sqrt(parts));
        int reducers = (parts + fan - 1) / fan;
        JavaPairRDD<Integer, SumTree> partial = blocks.mapPartitionsWithIndex((i, it) ->
                List.of(new Tuple2<>(i / fan, task.sums(it))).iterator(), true).mapToPair(t -> t);
        JavaPairRDD<Integer, SumTree> level1 = partial.reduceByKey(TreeReduce::merged, reducers);
        JavaPairRDD<Integer, SumTree> level2 = level1.mapToPair(t -> new Tuple2<>(0, t._2())).reduceByKey(TreeReduce::merged, 1);
        try {
            List<SumTree> out = level2.values().collect();
            SumTree t = new SumTree(groups.leaves());
            for (SumTree s : out) t.merge(s);
            return t;
        } finally {
            removeShuffles(jsc, level2.rdd(), level1.rdd());
        }
    }

    private static SumTree merged(SumTree a, SumTree b) {
        a.merge(b);
        return a;
    }

    /** Drops the step's shuffle files now rather than when the driver's GC notices the RDDs are gone. */
    static void removeShuffles(JavaSparkContext jsc, RDD<?>... rdds) {
        if (jsc.sc().cleaner().isEmpty()) return;
        for (RDD<?> r : rdds) {
            if (r.dependencies().nonEmpty() && r.dependencies().head() instanceof ShuffleDependency<?, ?, ?> s) {
                jsc.sc().cleaner().get().doCleanupShuffle(s.shuffleId(), false);
            }
        }
    }

}
