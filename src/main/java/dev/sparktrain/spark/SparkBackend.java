package dev.sparktrain.spark;

import dev.sparktrain.train.BlockWorker;
import dev.sparktrain.train.StepBackend;
import dev.sparktrain.train.StepSums;
import dev.sparktrain.train.TaskThreads;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Sequential;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Gradients from a cached RDD of {@link PackedBlock}s: one Spark job per step. The weights go
 * out as a broadcast; each partition adds up only its rows of the step's batch; the driver adds
 * the partitions' sums in partition order (so the result does not depend on task timing, and a
 * retried task changes nothing). Without shuffling only the partitions holding the batch's rows
 * get a task, and a task may split its rows over the cores the step leaves idle ({@link TaskThreads}).
 *
 * <p>Small weight vectors (up to {@link #INLINE_MAX} values) travel inside the task closure: Spark
 * serializes and broadcasts every job's task binary anyway, so a broadcast of their own only adds
 * its set-up and destruction to every step (about 1.5–3 ms of a 10–15 ms step for d ≤ 1e4 in
 * {@code ./bench.sh}, see docs/PERFORMANCE.md). From about 3e4 values on, deserializing them in
 * every task costs more than that, and they go out as a broadcast. Either way every task reads
 * exactly the driver's values, so results do not change.
 */
public final class SparkBackend implements StepBackend {
    /** Largest weight vector sent inside the task closure rather than as a broadcast. */
    public static final int INLINE_MAX = 16_384;

    private final JavaSparkContext jsc;
    private final JavaRDD<PackedBlock> train;
    private final JavaRDD<PackedBlock> validation;
    private final Sequential model;
    private final Loss loss;
    private final String runKey = UUID.randomUUID().toString();
    private final long[] firstRow;
    private final int[] rows;
    private final long n;
    private final int configuredThreads;
    private final int totalCores;
    private final int executorCores;
    private int lastEpoch;

    public SparkBackend(JavaSparkContext jsc, JavaRDD<PackedBlock> train, JavaRDD<PackedBlock> validation,
                        Sequential model, Loss loss) {
        this.jsc = jsc;
        this.train = train;
        this.validation = validation;
        this.model = model;
        this.loss = loss;
        List<long[]> layout = Spark.call("reading the training blocks", () ->
                train.mapPartitionsWithIndex((i, it) -> {
                    List<long[]> out = new ArrayList<>();
                    while (it.hasNext()) {
                        PackedBlock b = it.next();
                        out.add(new long[] {i, b.firstRow(), b.rows()});
                    }
                    return out.iterator();
                }, true).collect());
        int parts = train.getNumPartitions();
        firstRow = new long[parts];
        rows = new int[parts];
        long total = 0;
        for (long[] l : layout) {
            if (rows[(int) l[0]] != 0) throw new IllegalStateException("one block per partition expected");
            firstRow[(int) l[0]] = l[1];
            rows[(int) l[0]] = (int) l[2];
            total += l[2];
        }
        n = total;
        configuredThreads = TaskThreads.configured(jsc.getConf().get(TaskThreads.CONF, "0"));
        totalCores = jsc.defaultParallelism();
        // local mode: one executor with every core; on a cluster only spark.executor.cores is sure
        executorCores = jsc.master().startsWith("local") ? totalCores : jsc.getConf().getInt("spark.executor.cores", 1);
    }

    @Override
    public long trainRows() {
        return n;
    }

    @Override
    public StepSums batchSums(double[] params, EpochOrder order, int epoch, int step, long from, long to) {
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < rows.length; p++) {
            boolean holds = rows[p] > 0 && (order.shuffled() || (firstRow[p] < to && firstRow[p] + rows[p] > from));
            if (holds) ids.add(p);
        }
        // Spark UI: jobs grouped by epoch, each named by its epoch and step.
        jsc.setJobGroup("sparktrain-" + runKey.substring(0, 8) + "-epoch-" + (epoch + 1), "sparktrain epoch " + (epoch + 1), false);
        jsc.setJobDescription("sparktrain epoch " + (epoch + 1) + " step " + (step + 1));
        lastEpoch = epoch;
        Weights weights = Weights.of(jsc, params);
        try {
            int threads = TaskThreads.forStep(configuredThreads, totalCores, executorCores, ids.size());
            StepTask task = new StepTask(model, loss, runKey, weights, order, epoch, from, to, threads);
            int[] idArray = ids.stream().mapToInt(Integer::intValue).toArray();
            double[][] parts = Spark.call("epoch " + (epoch + 1) + " step " + (step + 1),
                    () -> runJob(jsc, train, task, idArray));
            return StepSums.sumInOrder(parts, model.paramCount(), true);
        } finally {
            weights.destroy();
        }
    }

    @Override
    public StepSums validationSums(double[] params) {
        if (validation == null) return null;
        jsc.setJobDescription("sparktrain epoch " + (lastEpoch + 1) + " validation");
        Weights weights = Weights.of(jsc, params);
        try {
            EvalTask task = new EvalTask(model, loss, runKey, weights);
            int[] all = new int[validation.getNumPartitions()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            double[][] parts = Spark.call("validation", () -> runJob(jsc, validation, task, all));
            return StepSums.sumInOrder(parts, model.paramCount(), false);
        } finally {
            weights.destroy();
        }
    }

    @Override
    public void close() {
        jsc.clearJobGroup();
    }

    /**
     * One job computing {@code task} on the given partitions, straight through
     * {@code SparkContext.runJob} with a plain function object; returns one result per partition,
     * in the order of {@code partitions}. The Java API ({@code mapPartitions(..).collectPartitions(..)})
     * wraps the task in Scala closures that Spark's ClosureCleaner re-reads with ASM from the jar
     * on every call: 3–4 ms of driver CPU per step, a third of a small step (docs/PERFORMANCE.md).
     */
    public static double[][] runJob(JavaSparkContext jsc, JavaRDD<PackedBlock> rdd,
                                    scala.Function2<TaskContext, scala.collection.Iterator<PackedBlock>, double[]> task,
                                    int[] partitions) {
        @SuppressWarnings("unchecked")
        scala.reflect.ClassTag<double[]> tag = (scala.reflect.ClassTag<double[]>) (Object)
                scala.reflect.ClassTag$.MODULE$.apply(double[].class);
        @SuppressWarnings("unchecked")
        scala.collection.immutable.Seq<Object> ids = (scala.collection.immutable.Seq<Object>) (Object)
                scala.collection.immutable.ArraySeq$.MODULE$.unsafeWrapArray(partitions);
        return (double[][]) jsc.sc().runJob(rdd.rdd(), task, ids, tag);
    }

    /**
     * The weights of one job: inside the task closure when small, else a broadcast (destroyed
     * when the job is done). Spark serializes the closure when it submits the job, and the driver
     * does not touch {@code params} until the job has finished, so no copy is needed.
     */
    private record Weights(double[] inline, Broadcast<double[]> broadcast) implements Serializable {
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

    /** Executor side: one worker (with its scratch buffers) per thread and training run. */
    private static final ThreadLocal<Object[]> WORKERS = new ThreadLocal<>();

    static BlockWorker worker(String runKey, Sequential model, Loss loss) {
        Object[] cached = WORKERS.get();
        if (cached == null || !cached[0].equals(runKey)) {
            cached = new Object[] {runKey, new BlockWorker(model, loss)};
            WORKERS.set(cached);
        }
        return (BlockWorker) cached[1];
    }

    /** A task as {@code SparkContext.runJob} takes it: (task context, the partition's blocks) → sums. */
    private abstract static class PartitionTask
            extends scala.runtime.AbstractFunction2<TaskContext, scala.collection.Iterator<PackedBlock>, double[]>
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** One partition's share of a step: the sums of its rows of batch [from, to). */
    private static final class StepTask extends PartitionTask {
        private static final long serialVersionUID = 1L;
        private final Sequential model;
        private final Loss loss;
        private final String runKey;
        private final Weights weights;
        private final EpochOrder order;
        private final int epoch;
        private final long from;
        private final long to;
        private final int threads;

        StepTask(Sequential model, Loss loss, String runKey, Weights weights, EpochOrder order, int epoch,
                 long from, long to, int threads) {
            this.model = model;
            this.loss = loss;
            this.runKey = runKey;
            this.weights = weights;
            this.order = order;
            this.epoch = epoch;
            this.from = from;
            this.to = to;
            this.threads = threads;
        }

        @Override
        public double[] apply(TaskContext ctx, scala.collection.Iterator<PackedBlock> blocks) {
            double[] sums = new double[worker(runKey, model, loss).sumsLength()];
            double[] params = weights.value();
            while (blocks.hasNext()) {
                PackedBlock b = blocks.next();
                TaskThreads.accumulate(b, b.slice(order, epoch, from, to), threads, () -> worker(runKey, model, loss),
                        params, sums);
            }
            TaskHooks.runAfterTask(sums); // tools-jar hooks (fault injection in tests); nothing when none is installed
            return sums;
        }
    }

    /** One partition's loss, normalizer, rows and correct counts (no gradient). */
    private static final class EvalTask extends PartitionTask {
        private static final long serialVersionUID = 1L;
        private final Sequential model;
        private final Loss loss;
        private final String runKey;
        private final Weights weights;

        EvalTask(Sequential model, Loss loss, String runKey, Weights weights) {
            this.model = model;
            this.loss = loss;
            this.runKey = runKey;
            this.weights = weights;
        }

        @Override
        public double[] apply(TaskContext ctx, scala.collection.Iterator<PackedBlock> blocks) {
            BlockWorker w = worker(runKey, model, loss);
            double[] sums = new double[w.sumsLength()];
            double[] params = weights.value();
            while (blocks.hasNext()) w.evaluate(blocks.next(), params, sums);
            TaskHooks.runAfterTask(sums); // tools-jar hooks (fault injection in tests); nothing when none is installed
            return sums;
        }
    }
}
