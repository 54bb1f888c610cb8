package dev.sparktrain.spark;

import dev.sparktrain.data.SumTree;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * How the sharded step moves slices to partitions (the all-gather) in its jobs, and the pieces the
 * persistent stage shares with it: a slice's values for one partition, and the weights assembled
 * from them.
 */
final class SliceGather {
    private SliceGather() {
    }

    /** One slice's values sent to a partition: slice {@code k}'s whole values or its values at the partition's picks. */
    record SliceValues(int k, double[] values) implements java.io.Serializable {
    }

    /**
     * Each holding partition's copy of every slice: (partition, slice k). One record per (slice,
     * partition), so a record's size does not grow with the slice count. Counts the values into
     * {@code sent} (null: no count).
     */
    static JavaPairRDD<Integer, SliceValues> gather(JavaRDD<Shard> state, int[] targets, int parts, LongAccumulator sent) {
        return state.flatMapToPair(s -> {
            List<Tuple2<Integer, SliceValues>> out = new ArrayList<>(targets.length);
            SliceValues one = new SliceValues(s.index(), s.params());
            for (int p : targets) out.add(new Tuple2<>(p, one));
            if (sent != null) sent.add((long) targets.length * s.params().length);
            return out.iterator();
        }).partitionBy(new HashPartitioner(parts));
    }

    /** Each target partition's needed values of every slice: (partition, slice k's values at its picks). */
    static JavaPairRDD<Integer, SliceValues> gatherPicked(JavaRDD<Shard> state, int[] targets, int parts, SparseNeeds.Picks picks,
                                                          LongAccumulator sent) {
        return state.zipPartitions(picks.byOwner().values(), (shards, owned) -> {
            Shard s = shards.next();
            Map<Integer, int[]> at = byPartition(owned);
            List<Tuple2<Integer, SliceValues>> out = new ArrayList<>(targets.length);
            for (int p : targets) {
                SliceValues one = new SliceValues(s.index(), SparseNeeds.values(s.params(), at.get(p)));
                if (sent != null) sent.add(one.values().length);
                out.add(new Tuple2<>(p, one));
            }
            return out.iterator();
        }).mapToPair(t -> t).partitionBy(new HashPartitioner(parts));
    }

    /**
     * Per partition, one element: its compact view (null: dense) and the weights assembled from what
     * it received, dense or compact (null: nothing).
     */
    static JavaRDD<Tuple2<CompactPartition, double[]>> assembled(JavaPairRDD<Integer, SliceValues> weights, SparseNeeds.Picks picks,
                                                                 int[] b) {
        if (picks == null) return weights.values().mapPartitions(ws -> single(new Tuple2<>(null, assemble(ws, b))), true);
        return picks.perPartition().zipPartitions(weights.values(), (ps, ws) -> {
            CompactPartition c = ps.next();
            return single(new Tuple2<>(c, assemble(ws, c.cut())));
        });
    }

    /** An owner's trees with the indices of the partitions they come from. */
    static Iterator<Tuple2<int[], SumTree>> withIndices(Iterator<Tuple2<Integer, int[]>> owned,
                                                        Iterator<Tuple2<Integer, SumTree>> trees) {
        Map<Integer, int[]> at = byPartition(owned);
        List<Tuple2<int[], SumTree>> out = new ArrayList<>();
        trees.forEachRemaining(t -> out.add(new Tuple2<>(at.get(t._1()), t._2())));
        return out.iterator();
    }

    /** An owner's picks, by the partition they belong to. */
    static Map<Integer, int[]> byPartition(Iterator<Tuple2<Integer, int[]>> owned) {
        Map<Integer, int[]> at = new HashMap<>();
        owned.forEachRemaining(t -> at.put(t._1(), t._2()));
        return at;
    }

    static <T> Iterator<T> single(T t) {
        return Collections.singletonList(t).iterator();
    }

    /**
     * The weights from the slices a partition received, slice k at [bounds[k], bounds[k+1]) (the
     * slices' bounds, or a compact view's cut), or null when it received none (it holds no rows of the batch).
     */
    static double[] assemble(Iterator<SliceValues> slices, int[] bounds) {
        if (!slices.hasNext()) return null;
        double[] w = new double[bounds[bounds.length - 1]];
        while (slices.hasNext()) {
            SliceValues one = slices.next();
            System.arraycopy(one.values(), 0, w, bounds[one.k()], one.values().length);
        }
        return w;
    }
}
