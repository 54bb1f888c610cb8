package dev.sparktrain.spark;

import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.SumTree;
import dev.sparktrain.nn.BatchKernel;
import org.apache.spark.api.java.function.FlatMapFunction2;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The sharded step's gradient stage: one partition's partial tree, computed with the weights
 * gathered from the owners, cut into one tree per slice for the slices' owners (the
 * reduce-scatter). Each slice's tree carries the statistics too, so every owner knows the
 * normalizer.
 */
final class GradientSlices implements FlatMapFunction2<Iterator<PackedBlock>, Iterator<double[][]>, Tuple2<Integer, SumTree>> {
    private static final long serialVersionUID = 1L;
    private final SumTasks.Step task;
    private final int[] bounds;

    GradientSlices(SumTasks.Step task, int[] bounds) {
        this.task = task;
        this.bounds = bounds.clone();
    }

    @Override
    public Iterator<Tuple2<Integer, SumTree>> call(Iterator<PackedBlock> blocks, Iterator<double[][]> slices) {
        SumTree tree = task.withWeights(ShardedStep.assemble(slices, bounds)).sums(blocks);
        SumTree[] cut = tree.sliced(bounds, BatchKernel.STATS);
        List<Tuple2<Integer, SumTree>> out = new ArrayList<>(cut.length);
        for (int k = 0; k < cut.length; k++) out.add(new Tuple2<>(k, cut[k]));
        return out.iterator();
    }
}
