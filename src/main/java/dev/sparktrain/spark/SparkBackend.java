package dev.sparktrain.spark;

import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.RowGroups;
import dev.sparktrain.data.SumTree;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.spark.load.Blocks;
import dev.sparktrain.train.StepBackend;
import dev.sparktrain.train.StepSums;
import dev.sparktrain.train.TaskThreads;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Gradients from a cached RDD of {@link PackedBlock}s. The weights go out with the tasks; each
 * partition sums its rows of the step's batch as a partial {@link SumTree} over fixed row groups
 * ({@link RowGroups}: the blocks are aligned to them), and the partial trees are merged into the
 * root: on the driver for small models, on the executors for large ones ({@link TreeReduce}).
 * Either way the tree, not the cluster, fixes the order of every addition, so the result has the
 * same bits on any partitioning, thread count, executor count, retry or resume.
 *
 * <p>Small weight vectors (up to {@link #INLINE_MAX} values) travel inside the task closure: Spark
 * serializes and broadcasts every job's task binary anyway, so a broadcast of their own only adds
 * its set-up and destruction to every step (about 1.5–3 ms of a 10–15 ms step for d ≤ 1e4 in
 * {@code ./bench.sh}, see docs/PERFORMANCE.md). Larger ones go out as a broadcast.
 */
public final class SparkBackend implements StepBackend {
    /** Largest weight vector sent inside the task closure rather than as a broadcast. */
    public static final int INLINE_MAX = 16_384;
    /** Spark conf key: where partial trees are merged: auto (default), driver or executors. */
    public static final String REDUCE_CONF = "spark.sparktrain.reduce";
    /** Spark conf key: auto (default: on in local mode), true or false: the steps in a barrier stage, not a job each ({@link PersistentSteps}). */
    public static final String PERSISTENT_STEPS_CONF = PersistentSteps.CONF;

    private final JavaSparkContext jsc;
    private final JavaRDD<PackedBlock> train;
    private final JavaRDD<PackedBlock> validation;
    private final boolean ownTrain;
    private final boolean ownValidation;
    private final Sequential model;
    private final Loss loss;
    private final String runKey = UUID.randomUUID().toString();
    private final Layout trainLayout;
    private final RowGroups validationGroups;
    private final int configuredThreads;
    private final int totalCores;
    private final int executorCores;
    private final TreeReduce.Mode reduce;
    /** Steps without a job each ({@link PersistentSteps#CONF}), or null. */
    private final PersistentSteps persistent;
    private int lastEpoch;

    /**
     * {@code batchSize} is the run's (0 = full batch): with the row count it fixes the row groups. Blocks not aligned to them are re-cut once, here.
     */
    public SparkBackend(JavaSparkContext jsc, JavaRDD<PackedBlock> train, JavaRDD<PackedBlock> validation,
                        Sequential model, Loss loss, int batchSize) {
        this.jsc = jsc;
        this.model = model;
        this.loss = loss;
        Layout t = Layout.of(train, "training blocks");
        RowGroups tg = RowGroups.forTraining(t.rows(), batchSize);
        this.ownTrain = !t.alignedTo(tg);
        this.train = ownTrain ? Blocks.aligned(jsc, train, tg, "training blocks") : train;
        this.trainLayout = ownTrain ? Layout.of(this.train, "training blocks").withGroups(tg) : t.withGroups(tg);
        if (validation != null) {
            Layout v = Layout.of(validation, "validation blocks");
            RowGroups vg = RowGroups.forEvaluation(v.rows());
            this.ownValidation = v.rows() > 0 && !v.alignedTo(vg);
            this.validation = ownValidation ? Blocks.aligned(jsc, validation, vg, "validation blocks") : validation;
            this.validationGroups = vg;
        } else {
            this.validation = null;
            this.ownValidation = false;
            this.validationGroups = null;
        }
        configuredThreads = TaskThreads.configured(jsc.getConf().get(TaskThreads.CONF, "0"));
        totalCores = jsc.defaultParallelism();
        // local mode: one executor with every core; on a cluster only spark.executor.cores is sure
        executorCores = jsc.master().startsWith("local") ? totalCores : jsc.getConf().getInt("spark.executor.cores", 1);
        reduce = TreeReduce.Mode.parse(jsc.getConf().get(REDUCE_CONF, "auto"));
        persistent = PersistentSteps.of(jsc, this.train, model, loss, runKey, trainLayout.groups());
    }

    @Override
    public long trainRows() {
        return trainLayout.rows();
    }

    /** The training set's row groups. */
    public RowGroups trainGroups() {
        return trainLayout.groups();
    }

    @Override
    public StepSums batchSums(double[] params, EpochOrder order, int epoch, int step, long from, long to) {
        int[] holding = trainLayout.holding(order.shuffled(), from, to);
        boolean onExecutors = reduce.onExecutors(model.paramCount(), holding.length);
        // the cores left to each task that computes (bits do not depend on it); a persistent stage's other tasks only wait
        int threads = TaskThreads.forStep(configuredThreads, totalCores, executorCores,
                onExecutors ? trainLayout.partitions() : holding.length);
        if (persistent != null && !onExecutors) {
            SumTree[] parts = persistent.step(order, epoch, from, to, threads, params, holding);
            if (parts != null) {
                return sums(trainLayout.withSkippedEmpty(TreeReduce.onDriver(parts, trainLayout.groups()), holding));
            }
        }
        if (persistent != null) persistent.endStage(); // a job needs the slots the stage holds
        describe(epoch, "step " + (step + 1)); // Spark UI: jobs grouped by epoch, each named by its epoch and step
        Weights weights = Weights.of(jsc, params);
        try {
            SumTasks.Step task = new SumTasks.Step(model, loss, runKey, weights, order, trainLayout.groups(), epoch, from, to,
                    threads);
            String what = "epoch " + (epoch + 1) + " step " + (step + 1);
            SumTree tree = onExecutors ? Spark.call(what, () -> TreeReduce.onExecutors(jsc, train, task, trainLayout.groups()))
                    : trainLayout.withSkippedEmpty(TreeReduce.onDriver(Spark.call(what, () -> runJob(jsc, train, task, holding)),
                            trainLayout.groups()), holding);
            return sums(tree);
        } finally {
            weights.destroy();
        }
    }

    private StepSums sums(SumTree tree) {
        double[] root = tree.root();
        return root == null ? StepSums.empty(model.paramCount(), true) : StepSums.of(root, true, loss.reduction());
    }

    /** Training steps served by the persistent stage ({@link PersistentSteps}) so far; 0 when it is not on. */
    public long persistentSteps() {
        return persistent == null ? 0 : persistent.served();
    }

    /** Barrier stages the persistent steps started so far. */
    int persistentStages() {
        return persistent == null ? 0 : persistent.stages();
    }

    @Override
    public StepSums validationSums(double[] params) {
        if (validation == null || validationGroups.rows() == 0) return null;
        if (persistent != null) persistent.endStage(); // validation needs the slots
        jsc.setJobDescription("sparktrain epoch " + (lastEpoch + 1) + " validation");
        Weights weights = Weights.of(jsc, params);
        try {
            SumTasks.Eval task = new SumTasks.Eval(model, loss, runKey, weights, validationGroups);
            int[] all = new int[validation.getNumPartitions()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            double[] root = TreeReduce.onDriver(Spark.call("validation", () -> runJob(jsc, validation, task, all)),
                    validationGroups).root();
            return root == null ? null : StepSums.of(root, false, loss.reduction());
        } finally {
            weights.destroy();
        }
    }

    // What the sharded step (ShardedStep) reuses of this backend: the blocks, their layout, the tasks.

    JavaSparkContext context() {
        return jsc;
    }

    JavaRDD<PackedBlock> trainBlocks() {
        return train;
    }

    JavaRDD<PackedBlock> validationBlocks() {
        return validation == null || validationGroups.rows() == 0 ? null : validation;
    }

    RowGroups validationGroups() {
        return validationGroups;
    }

    Sequential model() {
        return model;
    }

    Loss loss() {
        return loss;
    }

    /** The partitions holding rows of the step's positions [from, to). */
    int[] holding(EpochOrder order, long from, long to) {
        return trainLayout.holding(order.shuffled(), from, to);
    }

    /** One partition's share of a step computed with {@code weights}, every partition taking part. */
    SumTasks.Step stepTask(Weights weights, EpochOrder order, int epoch, long from, long to) {
        int threads = TaskThreads.forStep(configuredThreads, totalCores, executorCores, trainLayout.partitions());
        return new SumTasks.Step(model, loss, runKey, weights, order, trainLayout.groups(), epoch, from, to, threads);
    }

    /** The threads of each task when {@code computing} tasks compute a step at once. */
    int stepThreads(int computing) {
        return TaskThreads.forStep(configuredThreads, totalCores, executorCores, computing);
    }

    String runKey() {
        return runKey;
    }

    SumTasks.Eval evalTask(Weights weights) {
        return new SumTasks.Eval(model, loss, runKey, weights, validationGroups);
    }

    /** Names the next job in the Spark UI. */
    void describe(int epoch, String what) {
        jsc.setJobGroup("sparktrain-" + runKey.substring(0, 8) + "-epoch-" + (epoch + 1), "sparktrain epoch " + (epoch + 1), false);
        jsc.setJobDescription("sparktrain epoch " + (epoch + 1) + " " + what);
        lastEpoch = epoch;
    }

    int lastEpoch() {
        return lastEpoch;
    }

    @Override
    public void close() {
        if (persistent != null) persistent.close();
        jsc.clearJobGroup();
        if (ownTrain) train.unpersist(false);
        if (ownValidation) validation.unpersist(false);
    }

    /**
     * One job computing {@code task} on the given partitions, straight through
     * {@code SparkContext.runJob} with a plain function object; returns one result per partition,
     * in the order of {@code partitions}. The Java API ({@code mapPartitions(..).collectPartitions(..)})
     * wraps the task in Scala closures that Spark's ClosureCleaner re-reads with ASM from the jar
     * on every call: 3–4 ms of driver CPU per step, a third of a small step (docs/PERFORMANCE.md).
     */
    public static <T> T[] runJob(JavaSparkContext jsc, JavaRDD<PackedBlock> rdd,
                                 scala.Function2<TaskContext, scala.collection.Iterator<PackedBlock>, T> task,
                                 int[] partitions, Class<T> type) {
        @SuppressWarnings("unchecked")
        scala.reflect.ClassTag<T> tag = (scala.reflect.ClassTag<T>) scala.reflect.ClassTag$.MODULE$.apply(type);
        @SuppressWarnings("unchecked")
        scala.collection.immutable.Seq<Object> ids = (scala.collection.immutable.Seq<Object>) (Object)
                scala.collection.immutable.ArraySeq$.MODULE$.unsafeWrapArray(partitions);
        @SuppressWarnings("unchecked")
        T[] out = (T[]) jsc.sc().runJob(rdd.rdd(), task, ids, tag);
        return out;
    }

    private static SumTree[] runJob(JavaSparkContext jsc, JavaRDD<PackedBlock> rdd, SumTasks.PartitionTask task, int[] partitions) {
        return runJob(jsc, rdd, task, partitions, SumTree.class);
    }

    /** Partitions' row ranges, read once. */
    record Layout(long[] firstRow, int[] partRows, long total, RowGroups groups) {
        static Layout of(JavaRDD<PackedBlock> blocks, String what) {
            List<long[]> found = Spark.call("reading the " + what, () ->
                    blocks.mapPartitionsWithIndex((i, it) -> {
                        List<long[]> out = new ArrayList<>();
                        while (it.hasNext()) {
                            PackedBlock b = it.next();
                            out.add(new long[] {i, b.firstRow(), b.rows()});
                        }
                        return out.iterator();
                    }, true).collect());
            int parts = blocks.getNumPartitions();
            long[] first = new long[parts];
            int[] partRows = new int[parts];
            boolean[] seen = new boolean[parts];
            long total = 0;
            for (long[] l : found) {
                int p = (int) l[0];
                if (seen[p]) throw new IllegalStateException(what + ": one block per partition expected");
                seen[p] = true;
                first[p] = l[1];
                partRows[p] = (int) l[2];
                total += l[2];
            }
            long next = 0;
            for (int p = 0; p < parts; p++) {
                if (partRows[p] > 0 && first[p] != next) throw new IllegalStateException(what + ": partition " + p
                        + " starts at row " + first[p] + ", expected " + next + " (blocks hold consecutive rows in order)");
                next += partRows[p];
            }
            return new Layout(first, partRows, total, null);
        }

        Layout withGroups(RowGroups g) {
            return new Layout(firstRow, partRows, total, g);
        }

        long rows() {
            return total;
        }

        int partitions() {
            return partRows.length;
        }

        boolean alignedTo(RowGroups g) {
            for (int p = 0; p < partRows.length; p++) if (partRows[p] > 0 && !g.aligned(firstRow[p], partRows[p])) return false;
            return true;
        }

        /** The partitions holding rows of positions [from, to): all of them when shuffled. */
        int[] holding(boolean shuffled, long from, long to) {
            List<Integer> ids = new ArrayList<>();
            for (int p = 0; p < partRows.length; p++) {
                if (partRows[p] > 0 && (shuffled || (firstRow[p] < to && firstRow[p] + partRows[p] > from))) ids.add(p);
            }
            return ids.stream().mapToInt(Integer::intValue).toArray();
        }

        /** The tree with the leaves of partitions that ran no task marked empty. */
        SumTree withSkippedEmpty(SumTree tree, int[] ran) {
            boolean[] did = new boolean[partRows.length];
            for (int p : ran) did[p] = true;
            int per = groups.leavesPerGroup();
            for (int p = 0; p < partRows.length; p++) {
                if (did[p] || partRows[p] == 0) continue;
                long g0 = groups.groupOf(firstRow[p]);
                long g1 = groups.endGroup(firstRow[p], partRows[p]);
                tree.putEmpty(g0 * per, g1 * per);
            }
            return tree;
        }
    }

    /**
     * The weights of one job: inside the task closure when small, else a broadcast (destroyed
     * when the job is done). Spark serializes the closure when it submits the job, and the driver
     * does not touch {@code params} until the job has finished, so no copy is needed.
     */
    record Weights(double[] inline, Broadcast<double[]> broadcast) implements Serializable {
        static Weights of(JavaSparkContext jsc, double[] params) {
            return params.length <= INLINE_MAX ? new Weights(params, null) : new Weights(null, jsc.broadcast(params));
        }

        double[] value() {
            return broadcast == null ? inline : broadcast.value();
        }

        void destroy() {
            if (broadcast != null) broadcast.destroy();
        }
    }
}
