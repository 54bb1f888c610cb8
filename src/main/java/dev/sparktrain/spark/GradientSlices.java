package dev.sparktrain.spark;

import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.SumTree;
import dev.sparktrain.nn.BatchKernel;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction2;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The sharded step's gradient stage: one partition's partial tree, computed with the weights
 * gathered from the owners, cut into one tree per slice for the slices' owners (the
 * reduce-scatter), sent as (slice, (partition, tree)). Each slice's tree carries the statistics
 * too, so every owner knows the normalizer. With the partition's picks ({@link SparseNeeds}) the
 * task computes in the partition's compact space ({@link CompactPartition}), whose vector is the
 * picked values slice after slice: a slice's tree holds only the values at the picks (the owner
 * knows where they go); without, the whole slice.
 */
final class GradientSlices implements FlatMapFunction2<Iterator<PackedBlock>, Iterator<Tuple2<CompactPartition, double[]>>,
        Tuple2<Integer, Tuple2<Integer, SumTree>>> {
    private static final long serialVersionUID = 1L;
    private final SumTasks.Step task;
    private final int[] bounds;
    private final LongAccumulator valuesSent;

    /** @param valuesSent counts the values the trees carry (a retried task counts again) */
    GradientSlices(SumTasks.Step task, int[] bounds, LongAccumulator valuesSent) {
        this.task = task;
        this.bounds = bounds.clone();
        this.valuesSent = valuesSent;
    }

    /**
     * @param blocks  the partition's blocks (its compact blocks when it has a compact view)
     * @param weights one element: the partition's compact view (null: dense) and its assembled weights (null: no rows of the batch)
     */
    @Override
    public Iterator<Tuple2<Integer, Tuple2<Integer, SumTree>>> call(Iterator<PackedBlock> blocks,
                                                                   Iterator<Tuple2<CompactPartition, double[]>> weights) {
        Tuple2<CompactPartition, double[]> w = weights.next();
        CompactPartition c = w._1();
        // through the task's apply: an out-of-memory error becomes its one line, as on the driver-side path
        SumTree tree = task.withWeights(CompactPartition.model(c, task.model()), w._2())
                .apply(TaskContext.get(), scala.jdk.javaapi.CollectionConverters.asScala(blocks));
        SumTree[] cut = tree.sliced(c == null ? bounds : c.cut(), BatchKernel.STATS);
        int p = TaskContext.getPartitionId();
        List<Tuple2<Integer, Tuple2<Integer, SumTree>>> out = new ArrayList<>(cut.length);
        for (int k = 0; k < cut.length; k++) {
            valuesSent.add(cut[k].values());
            out.add(new Tuple2<>(k, new Tuple2<>(p, cut[k])));
        }
        return out.iterator();
    }
}
