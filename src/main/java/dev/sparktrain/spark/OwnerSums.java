package dev.sparktrain.spark;

import dev.sparktrain.data.SparseSumTree;
import dev.sparktrain.data.SumTree;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Loss;
import org.apache.spark.api.java.function.FlatMapFunction2;
import scala.Tuple2;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * The sharded step's owner stage: a slice's trees from every partition merged into its root (the
 * tree fixes the order of every addition, so this is the unsharded root's slice, bit for bit),
 * and the gradient divided by the batch's normalizer as the driver-side step divides it. A tree
 * of values at a partition's needed indices ({@link SparseNeeds}) merges as a
 * {@link SparseSumTree}, whose dense root has the same bits.
 */
final class OwnerSums implements FlatMapFunction2<Iterator<Shard>, Iterator<Tuple2<int[], SumTree>>, Shard> {
    private static final long serialVersionUID = 1L;
    private final Loss.Reduction reduction;

    OwnerSums(Loss.Reduction reduction) {
        this.reduction = reduction;
    }

    /** @param trees each partition's tree for this slice, with its indices into the slice's vector (null: the whole vector) */
    @Override
    public Iterator<Shard> call(Iterator<Shard> shards, Iterator<Tuple2<int[], SumTree>> trees) {
        Shard s = shards.next();
        int len = s.to() - s.from();
        double[] root = merged(trees, len + BatchKernel.STATS);
        double[] g = root == null ? new double[len] : Arrays.copyOf(root, len);
        double[] stats = root == null ? new double[BatchKernel.STATS] : Arrays.copyOfRange(root, len, len + BatchKernel.STATS);
        double norm = reduction.divisor(stats[BatchKernel.NORM]);
        for (int i = 0; i < len; i++) g[i] /= norm;
        return List.of(s.withGradient(g, stats)).iterator();
    }

    /** The root of the trees, dense, or null when none holds rows. */
    static double[] merged(Iterator<Tuple2<int[], SumTree>> trees, int length) {
        SumTree dense = null;
        SparseSumTree sparse = null;
        while (trees.hasNext()) {
            Tuple2<int[], SumTree> t = trees.next();
            if (t._1() == null) {
                if (dense == null) dense = t._2();
                else dense.merge(t._2());
            } else {
                if (sparse == null) sparse = new SparseSumTree(t._2().leaves());
                sparse.merge(t._2(), t._1());
            }
        }
        if (dense != null && sparse != null) throw new IllegalStateException("dense and sparse trees for one slice");
        if (dense != null) return dense.root();
        return sparse == null ? null : sparse.root(length);
    }
}
