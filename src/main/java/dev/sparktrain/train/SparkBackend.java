package dev.sparktrain.train;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Sequential;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

/**
 * Gradients from a cached RDD of {@link PackedBlock}s: one Spark job per step. The weights go
 * out as a broadcast; each partition adds up only its rows of the step's batch; the driver adds
 * the partitions' sums in partition order (so the result does not depend on task timing, and a
 * retried task changes nothing). Without shuffling only the partitions holding the batch's rows
 * get a task.
 */
public final class SparkBackend implements StepBackend {
    private final JavaSparkContext jsc;
    private final JavaRDD<PackedBlock> train;
    private final JavaRDD<PackedBlock> validation;
    private final Sequential model;
    private final Loss loss;
    private final String runKey = UUID.randomUUID().toString();
    private final long[] firstRow;
    private final int[] rows;
    private final long n;
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
    }

    @Override
    public long trainRows() {
        return n;
    }

    @Override
    public double[] batchSums(double[] params, EpochOrder order, int epoch, int step, long from, long to) {
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < rows.length; p++) {
            boolean holds = rows[p] > 0 && (order.shuffled() || (firstRow[p] < to && firstRow[p] + rows[p] > from));
            if (holds) ids.add(p);
        }
        // Spark UI: jobs grouped by epoch, each named by its epoch and step.
        jsc.setJobGroup("sparktrain-" + runKey.substring(0, 8) + "-epoch-" + (epoch + 1), "sparktrain epoch " + (epoch + 1), false);
        jsc.setJobDescription("sparktrain epoch " + (epoch + 1) + " step " + (step + 1));
        lastEpoch = epoch;
        Broadcast<double[]> weights = jsc.broadcast(params);
        try {
            StepTask task = new StepTask(model, loss, runKey, weights, order, epoch, from, to);
            int[] idArray = ids.stream().mapToInt(Integer::intValue).toArray();
            List<double[]>[] parts = Spark.call("epoch " + (epoch + 1) + " step " + (step + 1),
                    () -> train.mapPartitions(task).collectPartitions(idArray));
            return addInOrder(parts, model.paramCount());
        } finally {
            weights.destroy();
        }
    }

    @Override
    public double[] validationSums(double[] params) {
        if (validation == null) return null;
        jsc.setJobDescription("sparktrain epoch " + (lastEpoch + 1) + " validation");
        Broadcast<double[]> weights = jsc.broadcast(params);
        try {
            EvalTask task = new EvalTask(model, loss, runKey, weights);
            int[] all = new int[validation.getNumPartitions()];
            for (int i = 0; i < all.length; i++) all[i] = i;
            List<double[]>[] parts = Spark.call("validation", () -> validation.mapPartitions(task).collectPartitions(all));
            return addInOrder(parts, model.paramCount());
        } finally {
            weights.destroy();
        }
    }

    @Override
    public void close() {
        jsc.clearJobGroup();
    }

    private static double[] addInOrder(List<double[]>[] parts, int d) {
        double[] sums = new double[d + dev.sparktrain.nn.BatchKernel.STATS];
        for (List<double[]> part : parts) {
            for (double[] s : part) for (int i = 0; i < sums.length; i++) sums[i] += s[i];
        }
        return sums;
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

    private record StepTask(Sequential model, Loss loss, String runKey, Broadcast<double[]> weights,
                            EpochOrder order, int epoch, long from, long to)
            implements FlatMapFunction<Iterator<PackedBlock>, double[]> {
        @Override
        public Iterator<double[]> call(Iterator<PackedBlock> blocks) {
            BlockWorker w = worker(runKey, model, loss);
            double[] sums = new double[w.sumsLength()];
            double[] params = weights.value();
            while (blocks.hasNext()) w.accumulate(blocks.next(), order, epoch, from, to, params, sums);
            FaultInjection.inTask(sums); // test-only hook (spark.sparktrain.test.*); nothing when unset
            return Collections.singletonList(sums).iterator();
        }
    }

    private record EvalTask(Sequential model, Loss loss, String runKey, Broadcast<double[]> weights)
            implements FlatMapFunction<Iterator<PackedBlock>, double[]> {
        @Override
        public Iterator<double[]> call(Iterator<PackedBlock> blocks) {
            BlockWorker w = worker(runKey, model, loss);
            double[] sums = new double[w.sumsLength()];
            double[] params = weights.value();
            while (blocks.hasNext()) w.evaluate(blocks.next(), params, sums);
            FaultInjection.inTask(sums); // test-only hook (spark.sparktrain.test.*); nothing when unset
            return Collections.singletonList(sums).iterator();
        }
    }
}
