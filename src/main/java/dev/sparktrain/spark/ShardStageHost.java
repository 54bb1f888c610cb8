package dev.sparktrain.spark;

import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.train.ShardedUpdates.ShardedSums;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** What a {@link ShardedStep} gives its persistent stages ({@link PersistentShards}): their input, worker and scalars. */
record ShardStageHost(ShardedStep step, SparkBackend base) implements PersistentShards.Host {

    /**
     * One element per training partition p: slice p's shard when p owns one (the state moved from
     * slice-per-partition to partition p by a shuffle of K shards), its owner's picks, its compact
     * view and its blocks.
     */
    @Override
    public JavaRDD<ShardStageWorker.Input> stageInput() {
        step.applyPending();
        int parts = partitions();
        JavaRDD<Shard> owners = step.state().mapToPair(s -> new Tuple2<>(s.index(), s)).partitionBy(new HashPartitioner(parts)).values();
        SparseNeeds.Picks picks = step.picks();
        JavaRDD<ShardStageWorker.Input> own;
        if (picks == null) {
            own = owners.mapPartitions(it -> SliceGather.single(new ShardStageWorker.Input(it.hasNext() ? it.next() : null, null, null, null)),
                    true);
        } else {
            JavaRDD<Map<Integer, int[]>> ownerPicks = picks.byOwner().partitionBy(new HashPartitioner(parts)).values()
                    .mapPartitions(it -> SliceGather.single(SliceGather.byPartition(it)), true);
            own = owners.zipPartitions(ownerPicks, (a, b) -> SliceGather.single(
                    new ShardStageWorker.Input(a.hasNext() ? a.next() : null, b.next(), null, null)));
            own = own.zipPartitions(picks.perPartition(), (a, c) -> {
                ShardStageWorker.Input i = a.next();
                return SliceGather.single(new ShardStageWorker.Input(i.shard(), i.picks(), c.next(), null));
            });
        }
        JavaRDD<PackedBlock> blocks = picks == null ? base.trainBlocks() : picks.blocks();
        return own.zipPartitions(blocks, (a, bs) -> {
            ShardStageWorker.Input i = a.next();
            List<PackedBlock> list = new ArrayList<>();
            bs.forEachRemaining(list::add);
            return SliceGather.single(new ShardStageWorker.Input(i.shard(), i.picks(), i.compact(), list));
        });
    }

    @Override
    public ShardStageWorker worker(String host, int port, long token, EpochOrder order) {
        LongAccumulator[] c = step.counters();
        return new ShardStageWorker(host, port, token, base.model(), base.loss(), base.runKey(), base.trainGroups(), order.size(),
                order.shuffled(), step.bounds(), step.norm(), c[0], c[1], c[2]);
    }

    @Override
    public int partitions() {
        return base.trainBlocks().getNumPartitions();
    }

    @Override
    public int[] holding(EpochOrder order, long from, long to) {
        return base.holding(order, from, to);
    }

    @Override
    public int threads(int holding) {
        return base.stepThreads(holding);
    }

    @Override
    public ShardedSums sums(double[][] reports) {
        return step.sums(Arrays.stream(reports).filter(r -> r.length > 0).toList());
    }

    @Override
    public void adopt(JavaRDD<Shard> output) {
        step.adopt(output);
    }

    @Override
    public ShardedSums jobBatch(EpochOrder order, int epoch, int stepIndex, long from, long to) {
        return step.jobBatch(order, epoch, stepIndex, from, to);
    }

    @Override
    public void jobDecide(StepDecision d) {
        step.jobDecide(d);
    }
}
