package dev.sparktrain.spark;

import dev.sparktrain.data.SumTree;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Loss;
import org.apache.spark.api.java.function.FlatMapFunction2;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The sharded step's owner stage: a slice's trees from every partition merged into its root (the
 * tree fixes the order of every addition, so this is the unsharded root's slice, bit for bit),
 * and the gradient divided by the batch's normalizer as the driver-side step divides it.
 */
final class OwnerSums implements FlatMapFunction2<Iterator<Shard>, Iterator<SumTree>, Shard> {
    private static final long serialVersionUID = 1L;
    private final Loss.Reduction reduction;

    OwnerSums(Loss.Reduction reduction) {
        this.reduction = reduction;
    }

    @Override
    public Iterator<Shard> call(Iterator<Shard> shards, Iterator<SumTree> trees) {
        Shard s = shards.next();
        SumTree t = null;
        while (trees.hasNext()) {
            SumTree p = trees.next();
            if (t == null) t = p;
            else t.merge(p);
        }
        int len = s.to() - s.from();
        double[] root = t == null ? null : t.root();
        double[] g = root == null ? new double[len] : Arrays.copyOf(root, len);
        double[] stats = root == null ? new double[BatchKernel.STATS] : Arrays.copyOfRange(root, len, len + BatchKernel.STATS);
        double norm = reduction.divisor(stats[BatchKernel.NORM]);
        for (int i = 0; i < len; i++) g[i] /= norm;
        return List.of(s.withGradient(g, stats)).iterator();
    }
}
