package dev.sparktrain.spark.load;

import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.RowGroups;
import dev.sparktrain.spark.load.source.BlockLayout;
import dev.sparktrain.spark.load.source.StagedPartition;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The pack step: the training (or validation) rows in {@code parts} blocks of contiguous row
 * numbers. Runs are cut into pieces at the partitions' row ranges; the pieces travel as packed
 * arrays, never row objects, and each partition concatenates its own into one block.
 */
final class Packer {
    private Packer() {
    }

    /** Packs into {@code parts} partitions holding whole {@code groups} (nearly equal runs of them). */
    static JavaRDD<PackedBlock> pack(JavaRDD<StagedPartition> staged, RowPlan plan, boolean validation, int parts,
                                     RowGroups groups, BlockLayout layout) {
        long[][] firstOut = validation ? plan.firstValidation() : plan.firstTrain();
        RowPlan.Split split = plan.split();
        JavaPairRDD<Integer, PackedBlock> pieces = staged.mapPartitionsWithIndex((p, it) -> {
            List<Tuple2<Integer, PackedBlock>> out = new ArrayList<>();
            while (it.hasNext()) {
                StagedPartition s = it.next();
                int local = 0;
                int[] sel = new int[s.block().rows()];
                for (int r = 0; r < s.runs().size(); r++) {
                    long next = firstOut[p][r];
                    int count = 0;
                    int target = -1;
                    long first = next;
                    for (int i = 0; i < s.runs().get(r).rows(); i++, local++) {
                        if (split.isValidation(p, r, i) != validation) continue;
                        int tp = groups.partitionOf(next, parts);
                        if (tp != target && count > 0) {
                            out.add(new Tuple2<>(target, s.block().select(sel, count, first)));
                            count = 0;
                        }
                        if (count == 0) first = next;
                        target = tp;
                        sel[count++] = local;
                        next++;
                    }
                    if (count > 0) out.add(new Tuple2<>(target, s.block().select(sel, count, first)));
                }
            }
            return out.iterator();
        }, true).mapToPair(t -> t);
        return Blocks.cache(joined(pieces, parts, groups, layout.features(), 1, layout.storage(), layout.precision()),
                validation ? "validation blocks" : "training blocks");
    }

    /**
     * Cached blocks re-cut so that each partition holds whole {@code groups} (the same number of
     * partitions): for blocks made elsewhere (the Java API, tests) or for another run's groups.
     */
    static JavaRDD<PackedBlock> align(JavaRDD<PackedBlock> blocks, RowGroups groups, String what) {
        int parts = blocks.getNumPartitions();
        PackedBlock sample = blocks.first();
        JavaPairRDD<Integer, PackedBlock> pieces = blocks.flatMapToPair(b -> {
            List<Tuple2<Integer, PackedBlock>> out = new ArrayList<>();
            int lo = 0;
            while (lo < b.rows()) {
                int tp = groups.partitionOf(b.firstRow() + lo, parts);
                long end = tp + 1 < parts ? groups.partitionStart(tp + 1, parts) : Long.MAX_VALUE;
                int hi = (int) Math.min(b.rows(), end - b.firstRow());
                out.add(new Tuple2<>(tp, lo == 0 && hi == b.rows() ? b : b.range(lo, hi, b.firstRow() + lo)));
                lo = hi;
            }
            return out.iterator();
        });
        return Blocks.cache(joined(pieces, parts, groups, sample.features(), sample.targetWidth(), sample.storage(),
                sample.precision()), what);
    }

    /** Each partition's pieces, in row order, as its one block. */
    private static JavaRDD<PackedBlock> joined(JavaPairRDD<Integer, PackedBlock> pieces, int parts, RowGroups groups,
                                               int features, int targetWidth, PackedBlock.Storage storage,
                                               PackedBlock.Precision precision) {
        return pieces.partitionBy(new IdPartitioner(parts)).mapPartitionsWithIndex((p, it) -> {
            List<PackedBlock> list = new ArrayList<>();
            it.forEachRemaining(t -> list.add(t._2()));
            list.sort(Comparator.comparingLong(PackedBlock::firstRow));
            long first = list.isEmpty() ? groups.partitionStart(p, parts) : list.get(0).firstRow();
            PackedBlock b = list.size() == 1 ? list.get(0)
                    : PackedBlock.concat(list, first, features, targetWidth, storage, precision);
            return List.of(b).iterator();
        }, true);
    }

    /** Key i goes to partition i. */
    private static final class IdPartitioner extends Partitioner {
        private final int parts;

        IdPartitioner(int parts) {
            this.parts = parts;
        }

        @Override
        public int numPartitions() {
            return parts;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof IdPartitioner i && i.parts == parts;
        }

        @Override
        public int hashCode() {
            return parts;
        }
    }
}
