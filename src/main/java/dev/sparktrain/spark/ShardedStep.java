package dev.sparktrain.spark;

import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.SumTree;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.OptimizerShard;
import dev.sparktrain.train.ShardedUpdates;
import dev.sparktrain.train.SliceWriter;
import dev.sparktrain.train.StepBackend;
import dev.sparktrain.train.StepSums;
import org.apache.spark.HashPartitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The sharded optimizer step (ZeRO-1): the parameters and the optimizer state live in K slices
 * ({@link Shard}s, a cached RDD) on the executors, and the driver keeps only the loop and the
 * scalars. One step is one Spark job of three stages:
 * <ol>
 *   <li><b>update and all-gather</b>: each owner applies the previous step's update to its slice
 *       (the same optimizer code, {@link OptimizerShard}) and sends the slice to every partition
 *       holding rows of this batch;</li>
 *   <li><b>gradient and reduce-scatter</b>: each partition assembles the weights, computes its
 *       partial {@link SumTree} as the driver-side step does and cuts it into one tree per slice
 *       ({@link SumTree#sliced}), sent to the slice's owner;</li>
 *   <li><b>owners</b>: each owner merges its trees (the tree fixes the order of every addition, so
 *       its slice of the root has the bits of the unsharded root's), divides by the normalizer,
 *       and returns the loss, counts and its pieces' norm partials: a few numbers per owner.</li>
 * </ol>
 * The driver turns the partials into the clip norm, applies the non-finite policy and the
 * scheduler, and the owners take the step in the next job. Slices end on the clip norm's piece
 * boundaries ({@link SliceNorm}), so the norm has the driver-side step's bits too.
 *
 * <p>With CSR input and a linear first layer, both shuffles carry only the values a partition
 * can read or produce gradient for ({@link SparseNeeds}: its picks, computed once and known to
 * both sides), and the owners merge them with a {@link dev.sparktrain.data.SparseSumTree}: the
 * same bits, traffic that follows the touched columns rather than d. The partitions compute in
 * their compact spaces ({@link CompactPartition}: the picked values are the whole model), so the
 * tasks cost the touched columns too. Validation gathers the same
 * way, with its own blocks' picks.
 *
 * <p>Fault tolerance: each new state RDD is persisted (replicated on a cluster) and local-checkpointed,
 * so its lineage ends there: a lost owner's slice is read from its replica; a lost gradient is
 * recomputed from the state. The pending gradient is cached without replication.
 */
public final class ShardedStep implements StepBackend, ShardedUpdates {
    private final SparkBackend base;
    private final Optimizer optimizer;
    private final JavaSparkContext jsc;
    private final SliceNorm norm;
    private final int[] bounds;
    private final StorageLevel stateLevel;
    private final List<RDD<?>> stale = new ArrayList<>();
    /** Parameters and optimizer state after the last applied update. */
    private JavaRDD<Shard> state;
    /** The state with the last batch's gradient, before the driver's decision. */
    private JavaRDD<Shard> withGradient;
    /** The driver's update of the gradient in {@code withGradient} (null: none decided). */
    private StepDecision pending;
    /** The training and validation partitions' picks ({@link SparseNeeds}), or null: every partition needs every value. */
    private final SparseNeeds.Picks picks;
    private final SparseNeeds.Picks validationPicks;
    private final LongAccumulator gatheredValues;
    private final LongAccumulator scatteredValues;
    private final LongAccumulator linkBytes;
    /** Steps without a job each (null: off), {@link PersistentShards}. */
    private final PersistentShards persistent;

    /**
     * @param params    the starting parameters (the driver's; they go out once, here)
     * @param optimizer the optimizer whose state (fresh or restored) the shards start from
     * @param shards    how many slices at most (each ends on a piece boundary)
     */
    public ShardedStep(SparkBackend base, double[] params, Optimizer optimizer, SliceNorm norm, int shards) {
        this.base = base;
        this.optimizer = optimizer;
        this.jsc = base.context();
        this.norm = norm;
        this.bounds = norm.shardBounds(shards);
        boolean local = jsc.master().startsWith("local");
        this.stateLevel = local ? StorageLevel.MEMORY_AND_DISK() : StorageLevel.MEMORY_AND_DISK_2();
        List<Shard> first = new ArrayList<>();
        Map<String, Object> start = optimizer.state();
        for (int k = 0; k + 1 < bounds.length; k++) {
            int a = bounds[k], b = bounds[k + 1];
            first.add(new Shard(k, a, b, Arrays.copyOfRange(params, a, b), OptimizerShard.of(optimizer, start, a, b), null, null));
        }
        state = keep(jsc.parallelize(first, first.size()));
        gatheredValues = jsc.sc().longAccumulator("sparktrain sharded values gathered");
        scatteredValues = jsc.sc().longAccumulator("sparktrain sharded values scattered");
        linkBytes = jsc.sc().longAccumulator("sparktrain sharded stage bytes between tasks");
        picks = SparseNeeds.of(base.trainBlocks(), base.model(), bounds, "training blocks");
        JavaRDD<PackedBlock> v = base.validationBlocks();
        validationPicks = v == null ? null : SparseNeeds.of(v, base.model(), bounds, "validation blocks");
        // a persistent stage's task p owns slice p: it needs a partition for each slice
        persistent = bounds.length - 1 <= base.trainBlocks().getNumPartitions() ? PersistentShards.of(jsc, new ShardStageHost(this, base))
                : null;
    }

    /** Whether values travel only where partitions need them (CSR input, a linear first layer). */
    public boolean sparse() {
        return picks != null;
    }

    /**
     * Values sent so far by the training steps, as counted in the tasks (a retried task counts
     * again): {weights all-gathered to the partitions, gradient and statistics reduce-scattered to the owners}.
     */
    public long[] valuesSent() {
        return new long[] {gatheredValues.value(), scatteredValues.value()};
    }

    /**
     * Bytes the persistent stages' tasks wrote to each other (headers included; stages that
     * ended cleanly): their traffic is not a shuffle, so Spark's task metrics do not count it.
     */
    public long stageBytesSent() {
        return linkBytes.value();
    }

    /** Slices [bounds[k], bounds[k+1]). */
    public int[] bounds() {
        return bounds.clone();
    }

    @Override
    public long trainRows() {
        return base.trainRows();
    }

    @Override
    public ShardedUpdates sharded() {
        return this;
    }

    @Override
    public StepSums batchSums(double[] params, EpochOrder order, int epoch, int step, long from, long to) {
        throw new IllegalStateException("the sharded step keeps the gradient on its owners: use sharded().batch");
    }

    @Override
    public ShardedSums batch(EpochOrder order, int epoch, int step, long from, long to) {
        if (persistent != null) {
            ShardedSums s = persistent.batch(order, epoch, step, from, to);
            if (s != null) return s;
        }
        return jobBatch(order, epoch, step, from, to);
    }

    /** {steps served by persistent sharded stages, stages started, stages failed} so far. */
    public long[] persistentSteps() {
        return persistent == null ? new long[3] : new long[] {persistent.served(), persistent.stages(), persistent.failures()};
    }

    /** The batch through a job of three stages. */
    ShardedSums jobBatch(EpochOrder order, int epoch, int step, long from, long to) {
        applyPending();
        base.describe(epoch, "step " + (step + 1)); // as the driver-side step names it (test hooks match it)
        int parts = base.trainBlocks().getNumPartitions();
        int[] holding = base.holding(order, from, to);
        GradientSlices grads = new GradientSlices(base.stepTask(null, order, epoch, from, to), bounds, scatteredValues);
        JavaPairRDD<Integer, SliceGather.SliceValues> weights = picks == null ? SliceGather.gather(state, holding, parts, gatheredValues)
                : SliceGather.gatherPicked(state, holding, parts, picks, gatheredValues);
        JavaRDD<PackedBlock> blocks = picks == null ? base.trainBlocks() : picks.blocks();
        JavaPairRDD<Integer, Tuple2<Integer, SumTree>> scattered = blocks
                .zipPartitions(SliceGather.assembled(weights, picks, bounds), grads)
                .mapToPair(t -> t)
                .partitionBy(new HashPartitioner(bounds.length - 1));
        JavaRDD<Tuple2<int[], SumTree>> trees = picks == null
                ? scattered.values().map(t -> new Tuple2<>(null, t._2()))
                : picks.byOwner().values().zipPartitions(scattered.values(), SliceGather::withIndices);
        withGradient = state.zipPartitions(trees, new OwnerSums(base.loss().reduction()))
                .persist(StorageLevel.MEMORY_AND_DISK());
        SliceNorm n = norm;
        List<double[]> reports = Spark.call("epoch " + (epoch + 1) + " step " + (step + 1), () ->
                withGradient.map(s -> report(s, n)).collect());
        dropStale();
        stale.add(weights.rdd());
        stale.add(scattered.rdd());
        return sums(reports);
    }

    @Override
    public void step(double stepNorm, List<Map<String, Object>> hypers) {
        decide(StepDecision.update(stepNorm, hypers));
    }

    @Override
    public void skip() {
        decide(StepDecision.SKIPPED);
    }

    private void decide(StepDecision d) {
        if (persistent == null || !persistent.decide(d)) jobDecide(d);
    }

    /** The job path takes a decision about its pending gradient. */
    void jobDecide(StepDecision d) {
        if (d.isUpdate()) {
            pending = d;
        } else if (d.kind() == StepDecision.SKIP) {
            stale.add(withGradient.rdd());
            withGradient = null;
        }
    }

    @Override
    public void copyParams(double[] into) {
        applyPending();
        base.describe(base.lastEpoch(), "parameters");
        List<Tuple2<Integer, double[]>> slices = Spark.call("collecting the parameters", () ->
                state.map(s -> new Tuple2<>(s.from(), s.params())).collect());
        for (Tuple2<Integer, double[]> t : slices) System.arraycopy(t._2(), 0, into, t._1(), t._2().length);
    }

    @Override
    public Map<String, Object> optimizerState() {
        applyPending();
        List<Map<String, Object>> parts = Spark.call("collecting the optimizer state", () ->
                state.map(s -> s.optimizer().state()).collect());
        Map<String, Object> merged = OptimizerShard.mergedState(optimizer, bounds, parts);
        // the hyper-parameters as the driver holds them now: a scheduler may have moved them since the last step
        merged.put("param_groups", new ArrayList<Object>(OptimizerShard.hypers(optimizer)));
        return merged;
    }

    @Override
    public List<Map<String, Object>> writeSlices(SliceWriter writer) {
        applyPending();
        base.describe(base.lastEpoch(), "checkpoint (owners write their slices)");
        List<Tuple2<Integer, Map<String, Object>>> facts = Spark.call("writing the checkpoint's slices", () ->
                state.map(s -> new Tuple2<>(s.index(), writer.write(s.index(), s.from(), s.to(), s.params(),
                        s.optimizer().state()))).collect());
        List<Map<String, Object>> inOrder = new ArrayList<>(Collections.nCopies(bounds.length - 1, null));
        for (Tuple2<Integer, Map<String, Object>> t : facts) inOrder.set(t._1(), t._2());
        return inOrder;
    }

    @Override
    public StepSums validationSums(double[] params) {
        JavaRDD<PackedBlock> v = base.validationBlocks();
        if (v == null) return null;
        applyPending();
        base.describe(base.lastEpoch(), "validation");
        int parts = v.getNumPartitions();
        int[] all = new int[parts];
        for (int i = 0; i < parts; i++) all[i] = i;
        JavaPairRDD<Integer, SliceGather.SliceValues> weights = validationPicks == null ? SliceGather.gather(state, all, parts, null)
                : SliceGather.gatherPicked(state, all, parts, validationPicks, null);
        SumTasks.Eval eval = base.evalTask(null);
        JavaRDD<PackedBlock> blocks = validationPicks == null ? v : validationPicks.blocks();
        List<SumTree> trees = Spark.call("validation", () -> blocks.zipPartitions(SliceGather.assembled(weights, validationPicks, bounds), (bs, ws) -> {
            Tuple2<CompactPartition, double[]> w = ws.next();
            return List.of(eval.withWeights(CompactPartition.model(w._1(), eval.model()), w._2()).apply(TaskContext.get(),
                    scala.jdk.javaapi.CollectionConverters.asScala(bs))).iterator();
        }).collect());
        SumTree t = new SumTree(base.validationGroups().leaves());
        for (SumTree p : trees) t.merge(p);
        stale.add(weights.rdd());
        double[] root = t.root();
        return root == null ? null : StepSums.of(root, false, base.loss().reduction());
    }

    @Override
    public void close() {
        if (persistent != null) persistent.close();
        dropStale();
        if (withGradient != null) withGradient.unpersist(false);
        state.unpersist(false);
        if (picks != null) picks.unpersist();
        if (validationPicks != null) validationPicks.unpersist();
        base.close();
    }

    /** The decided update becomes the next state (lazily: the next job computes it). */
    void applyPending() {
        if (persistent != null) persistent.settle(); // a persistent stage hands its state back first
        if (pending == null) {
            if (withGradient != null) stale.add(withGradient.rdd());
            withGradient = null;
            return;
        }
        StepDecision u = pending;
        SliceNorm n = norm;
        JavaRDD<Shard> next = withGradient.map(s -> updated(s, u, n));
        stale.add(state.rdd());
        stale.add(withGradient.rdd());
        state = keep(next);
        withGradient = null;
        pending = null;
    }

    /** The state after every applied update (a persistent stage starts from it). */
    JavaRDD<Shard> state() {
        return state;
    }

    /** A persistent stage's output (any partitioning) becomes the state: kept, replicated, computed now. */
    void adopt(JavaRDD<Shard> output) {
        JavaRDD<Shard> next = output.mapToPair(s -> new Tuple2<>(s.index(), s)).partitionBy(new HashPartitioner(bounds.length - 1))
                .values();
        stale.add(state.rdd());
        state = keep(next);
        base.describe(base.lastEpoch(), "sharded state kept");
        Spark.call("keeping the sharded state", () -> state.count());
        output.unpersist(false);
        dropStale();
    }

    SparseNeeds.Picks picks() {
        return picks;
    }

    SliceNorm norm() {
        return norm;
    }

    /** {gathered, scattered} values counters, and the persistent stages' link bytes. */
    LongAccumulator[] counters() {
        return new LongAccumulator[] {gatheredValues, scatteredValues, linkBytes};
    }

    private JavaRDD<Shard> keep(JavaRDD<Shard> rdd) {
        rdd.setName("sparktrain sharded state"); // scripts/cluster-test.sh finds the owners by it
        rdd.persist(stateLevel);
        rdd.rdd().localCheckpoint();
        return rdd;
    }

    static Shard updated(Shard s, StepDecision u, SliceNorm n) {
        Shard m = s.mutableCopy();
        double[] g = m.grad();
        n.clip(g, m.from(), m.to(), u.norm());
        m.optimizer().setHypers(u.hypers());
        m.optimizer().step(m.params(), g);
        return m.withoutGradient();
    }

    static double[] report(Shard s, SliceNorm n) {
        double[] partials = n.partials(s.grad(), s.from(), s.to());
        double[] r = new double[1 + BatchKernel.STATS + partials.length];
        r[0] = s.index();
        System.arraycopy(s.stats(), 0, r, 1, BatchKernel.STATS);
        System.arraycopy(partials, 0, r, 1 + BatchKernel.STATS, partials.length);
        return r;
    }

    ShardedSums sums(List<double[]> reports) {
        int k = bounds.length - 1;
        double[][] byShard = new double[k][];
        for (double[] r : reports) byShard[(int) r[0]] = r;
        double[] stats = Arrays.copyOfRange(byShard[0], 1, 1 + BatchKernel.STATS);
        int total = 0;
        for (double[] r : byShard) total += r.length - 1 - BatchKernel.STATS;
        double[] partials = new double[total];
        for (int i = 0, at = 0; i < k; i++) {
            int len = byShard[i].length - 1 - BatchKernel.STATS;
            System.arraycopy(byShard[i], 1 + BatchKernel.STATS, partials, at, len);
            at += len;
        }
        double normalizer = base.loss().reduction().divisor(stats[BatchKernel.NORM]);
        // as the driver-side step: no norm (nor its error_if_nonfinite refusal) for a non-finite loss
        double stepNorm = Double.isFinite(stats[BatchKernel.LOSS] / normalizer) ? norm.norm(partials) : Double.NaN;
        return new ShardedSums(stats[BatchKernel.LOSS], normalizer, (long) stats[BatchKernel.ROWS],
                stats[BatchKernel.CORRECT], stepNorm);
    }

    /** Unpersists the previous step's RDDs and removes their shuffle files (the new state's lineage no longer needs them). */
    private void dropStale() {
        for (RDD<?> r : stale) {
            r.unpersist(false);
            TreeReduce.removeShuffles(jsc, r);
        }
        stale.clear();
    }
}
