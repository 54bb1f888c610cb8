package dev.sparktrain.bench;

import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.clip.GradientClipper;
import dev.sparktrain.train.StepSums;
import dev.sparktrain.train.BlockWorker;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

/**
 * A training step with timestamps: the same job as {@code SparkBackend.batchSums} (ship the
 * weights, one task per partition holding batch rows running {@link BlockWorker}, results added
 * in partition order) followed by the Trainer's update (mean, clip_grad_norm, optimizer), with
 * {@code System.nanoTime()} taken on the driver and inside the tasks. In local mode tasks run in
 * the driver JVM, so both clocks are the same clock and the gaps between them are the scheduling
 * and result-transfer costs.
 */
final class StepProbe {
    /**
     * How the step's job is built. BEFORE: SparkBackend's first design, a broadcast and
     * the Java API ({@code mapPartitions(...).collectPartitions(ids)}, whose Scala wrapper closures
     * Spark's ClosureCleaner inspects with ASM on every call). CLOSURE: the same with the weights
     * in the task closure. CURRENT: SparkBackend's path, {@code SparkContext.runJob} with a plain
     * function object and the weights in the closure up to {@code SparkBackend.INLINE_MAX} values,
     * else in a broadcast.
     */
    enum Ship {
        BEFORE("before"), CLOSURE("closure"), CURRENT("current");

        final String label;

        Ship(String label) {
            this.label = label;
        }
    }

    static final String[] PHASES = {"broadcast", "launch", "task_read_weights", "compute", "result", "driver_sum",
            "destroy", "update", "total", "driver_cpu"};
    static final String[] PHASE_TEXT = {
            "driver: broadcast the weights",
            "job submit -> first task running (DAG, task serialization, launch)",
            "task: get the weights (broadcast value / closure)",
            "task: compute (slice, gather, forward, backward), slowest task",
            "last task done -> results on the driver (serialize, transfer, job end)",
            "driver: add results in partition order",
            "driver: destroy the broadcast",
            "driver: mean, clip_grad_norm, Adam",
            "whole step",
            "CPU time of the driver's thread during the step"};

    private final JavaSparkContext jsc;
    private final JavaRDD<PackedBlock> train;
    private final Sequential model;
    private final Loss loss;
    private final long[] firstRow;
    private final int[] rows;
    private final long n;
    private final String runKey = UUID.randomUUID().toString();

    StepProbe(JavaSparkContext jsc, JavaRDD<PackedBlock> train, Sequential model, Loss loss) {
        this.jsc = jsc;
        this.train = train;
        this.model = model;
        this.loss = loss;
        List<long[]> layout = train.mapPartitionsWithIndex((i, it) -> {
            List<long[]> out = new ArrayList<>();
            while (it.hasNext()) {
                PackedBlock b = it.next();
                out.add(new long[] {i, b.firstRow(), b.rows()});
            }
            return out.iterator();
        }, true).collect();
        firstRow = new long[train.getNumPartitions()];
        rows = new int[firstRow.length];
        long total = 0;
        for (long[] l : layout) {
            firstRow[(int) l[0]] = l[1];
            rows[(int) l[0]] = (int) l[2];
            total += l[2];
        }
        n = total;
    }

    /** One training run's state: its weights, optimizer, clipper and position in the epochs. */
    static final class Run {
        final double[] params;
        final Optimizer opt;
        final GradientClipper clip;
        final Ship ship;
        int epoch;
        long step;

        Run(double[] params, Optimizer opt, GradientClipper clip, Ship ship) {
            this.params = params;
            this.opt = opt;
            this.clip = clip;
            this.ship = ship;
        }
    }

    /**
     * Runs {@code warm + steps} consecutive steps of batch {@code batch} (0 = full) of every run,
     * interleaved step by step (alternating which goes first) so that the machine's noise falls
     * on all of them alike; returns, per run and timed step, the phase durations in ms (columns as
     * {@link #PHASES}).
     */
    double[][][] run(List<Run> runs, int batch, boolean shuffle, long seed, int warm, int steps) {
        long b = batch == 0 ? n : batch;
        long perEpoch = (n + b - 1) / b;
        double[][][] out = new double[runs.size()][steps][];
        for (int k = -warm; k < steps; k++) {
            for (int j = 0; j < runs.size(); j++) {
                int r = Math.floorMod(k, 2) == 0 ? j : runs.size() - 1 - j;
                Run run = runs.get(r);
                if (run.step == perEpoch) {
                    run.step = 0;
                    run.epoch++;
                }
                EpochOrder order = new EpochOrder(n, shuffle, seed, run.epoch);
                long from = run.step * b;
                long to = Math.min(n, from + b);
                double[] ph = step(run.params, run.opt, run.clip, order, run.epoch, from, to, run.ship);
                if (k >= 0) out[r][k] = ph;
                run.step++;
            }
        }
        return out;
    }

    private double[] step(double[] params, Optimizer opt, GradientClipper clip, EpochOrder order, int epoch,
                          long from, long to, Ship ship) {
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < rows.length; p++) {
            if (rows[p] > 0 && (order.shuffled() || (firstRow[p] < to && firstRow[p] + rows[p] > from))) ids.add(p);
        }
        int[] idArray = ids.stream().mapToInt(Integer::intValue).toArray();
        int d = model.paramCount();
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long c0 = mx.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        boolean broadcast = ship == Ship.BEFORE
                || (ship == Ship.CURRENT && params.length > dev.sparktrain.spark.SparkBackend.INLINE_MAX);
        Broadcast<double[]> weights = broadcast ? jsc.broadcast(params) : null;
        long t1 = System.nanoTime();
        ProbeTask task = new ProbeTask(model, loss, runKey, weights, broadcast ? null : params, order, epoch, from, to);
        List<Object>[] parts;
        if (ship == Ship.CURRENT) {
            Object[] res = (Object[]) jsc.sc().runJob(train.rdd(), new ProbeFunction(task),
                    scala.collection.immutable.ArraySeq$.MODULE$.unsafeWrapArray(idArray),
                    scala.reflect.ClassTag$.MODULE$.apply(Object.class));
            @SuppressWarnings("unchecked")
            List<Object>[] p = new List[res.length];
            for (int i = 0; i < res.length; i++) p[i] = (List<Object>) res[i];
            parts = p;
        } else {
            parts = train.mapPartitions(task).collectPartitions(idArray);
        }
        long t2 = System.nanoTime();
        double[] sums = new double[d + BatchKernel.STATS];
        long firstStart = Long.MAX_VALUE;
        long lastEnd = Long.MIN_VALUE;
        long maxRead = 0;
        long maxCompute = 0;
        for (List<Object> part : parts) {
            double[] sp = (double[]) part.get(0);
            long[] ts = (long[]) part.get(1);
            for (int i = 0; i < sums.length; i++) sums[i] += sp[i];
            firstStart = Math.min(firstStart, ts[0]);
            lastEnd = Math.max(lastEnd, ts[2]);
            maxRead = Math.max(maxRead, ts[1] - ts[0]);
            maxCompute = Math.max(maxCompute, ts[2] - ts[1]);
        }
        long t3 = System.nanoTime();
        if (weights != null) weights.destroy();
        long t4 = System.nanoTime();
        StepSums total = StepSums.of(sums, true, loss.reduction());
        double[] grad = total.grad();
        for (int i = 0; i < d; i++) grad[i] /= total.normalizer();
        if (clip != null) clip.clip(grad);
        opt.step(params, grad);
        long t5 = System.nanoTime();
        long c1 = mx.getCurrentThreadCpuTime();
        return new double[] {
                Stats.ms(t1 - t0),
                Stats.ms(firstStart - t1),
                Stats.ms(maxRead),
                Stats.ms(maxCompute),
                Stats.ms(t2 - lastEnd),
                Stats.ms(t3 - t2),
                Stats.ms(t4 - t3),
                Stats.ms(t5 - t4),
                Stats.ms(t5 - t0),
                Stats.ms(c1 - c0)};
    }

    private static final ThreadLocal<Object[]> WORKERS = new ThreadLocal<>();

    private static BlockWorker worker(String runKey, Sequential model, Loss loss) {
        Object[] cached = WORKERS.get();
        if (cached == null || !cached[0].equals(runKey)) {
            cached = new Object[] {runKey, new BlockWorker(model, loss)};
            WORKERS.set(cached);
        }
        return (BlockWorker) cached[1];
    }

    /** {@link ProbeTask} as the plain function {@code SparkContext.runJob} takes. */
    private static final class ProbeFunction
            extends scala.runtime.AbstractFunction2<org.apache.spark.TaskContext, scala.collection.Iterator<PackedBlock>, Object>
            implements java.io.Serializable {
        private final ProbeTask task;

        ProbeFunction(ProbeTask task) {
            this.task = task;
        }

        @Override
        public Object apply(org.apache.spark.TaskContext ctx, scala.collection.Iterator<PackedBlock> it) {
            List<Object> out = new ArrayList<>();
            task.call(scala.jdk.javaapi.CollectionConverters.asJava(it)).forEachRemaining(out::add);
            return out;
        }
    }

    private record ProbeTask(Sequential model, Loss loss, String runKey, Broadcast<double[]> weights, double[] inline,
                             EpochOrder order, int epoch, long from, long to)
            implements FlatMapFunction<Iterator<PackedBlock>, Object> {
        @Override
        public Iterator<Object> call(Iterator<PackedBlock> blocks) {
            long a = System.nanoTime();
            double[] params = weights != null ? weights.value() : inline;
            long b = System.nanoTime();
            BlockWorker w = worker(runKey, model, loss);
            double[] sums = new double[w.sumsLength()];
            while (blocks.hasNext()) w.accumulate(blocks.next(), order, epoch, from, to, params, sums);
            long c = System.nanoTime();
            return List.<Object>of(sums, new long[] {a, b, c}).iterator();
        }
    }
}
