package dev.sparktrain.spark.load;

import dev.sparktrain.data.PackedBlock;
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

    static JavaRDD<PackedBlock> pack(JavaRDD<StagedPartition> staged, RowPlan plan, boolean validation, int parts,
                                     BlockLayout layout) {
        long n = validation ? plan.validationRows() : plan.trainRows();
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
                        int tp = Blocks.RangePartitioner.partitionOf(next, parts, n);
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
        JavaRDD<PackedBlock> blocks = pieces.partitionBy(new IdPartitioner(parts)).mapPartitionsWithIndex((p, it) -> {
            List<PackedBlock> list = new ArrayList<>();
            it.forEachRemaining(t -> list.add(t._2()));
            list.sort(Comparator.comparingLong(PackedBlock::firstRow));
            long first = list.isEmpty() ? Blocks.RangePartitioner.start(p, parts, n) : list.get(0).firstRow();
            PackedBlock b = list.size() == 1 ? list.get(0)
                    : PackedBlock.concat(list, first, layout.features(), 1, layout.storage(), layout.precision());
            return List.of(b).iterator();
        }, true);
        return Blocks.cache(blocks, validation ? "validation blocks" : "training blocks");
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
