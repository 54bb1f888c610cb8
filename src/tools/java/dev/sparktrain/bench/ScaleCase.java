package dev.sparktrain.bench;

import dev.sparktrain.config.Options;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.spark.ShardedStep;
import dev.sparktrain.spark.SliceNorm;
import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.train.StepBackend;
import dev.sparktrain.train.TrainSettings;
import dev.sparktrain.train.Trainer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One configuration of the scale benchmark: a model of about d parameters on generated data in
 * the running context, trained full batch (one step = one epoch) with the real SparkBackend,
 * Adam and clipping, a few steps per merge path; per step, what Spark moved (from
 * {@link TaskMetricsListener}), the driver JVM's CPU and the wall time.
 */
final class ScaleCase {
    /** Dense features of the MLP (its hidden width sets d); non-zeros per row of the CSR data. */
    static final int MLP_FEATURES = 1000;
    static final int CSR_NNZ = 32;

    private ScaleCase() {
    }

    /** The measured means per step of one (model, d, executors, path); {@code error} when it failed. */
    record Row(String model, long d, int executors, int parts, long rows, String path, double stepMs, double driverCpuMs,
               double computeMs, TaskMetricsListener.Totals perStep, int steps, String error) {
        double driverIn() {
            return perStep.resultBytes();
        }

        /** Task launches and results, shuffle blocks and broadcast pieces fetched. */
        double messages() {
            return 2.0 * perStep.tasks() + perStep.shuffleBlocks() + perStep.bcastPieces();
        }

        /** Bytes received by anyone: results, broadcast pieces, shuffle blocks. */
        double bytes() {
            return perStep.resultBytes() + perStep.bcastBytes() + perStep.shuffleRemoteBytes() + perStep.shuffleLocalBytes();
        }

        /** Vector values the driver handles: the trees it receives, plus the update of d. */
        double driverValues() {
            return perStep.resultBytes() / 8.0 + d;
        }

        boolean ok() {
            return error == null;
        }
    }

    /** The network of a model kind ({@code mlp} or {@code csr}) with about d parameters. */
    static Sequential net(String model, long d) {
        if (model.equals("mlp")) {
            long hidden = Math.max(1, Math.round((d - 2.0) / (MLP_FEATURES + 3)));
            return Sequential.parse("linear(" + MLP_FEATURES + "," + hidden + "), relu, linear(" + hidden + ",2)", "scale");
        }
        return Sequential.parse("linear(" + Math.max(1, d / 2) + ",2)", "scale"); // logistic regression, 2 logits
    }

    /** The cached training blocks of a model kind: dense MLP_FEATURES columns, or CSR over d/2. */
    static JavaRDD<PackedBlock> data(JavaSparkContext jsc, String model, Sequential net, long rows, int parts, long seed) {
        if (model.equals("mlp")) return SyntheticData.blocks(jsc, rows, MLP_FEATURES, parts, seed);
        int features = net.inFeatures();
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < parts; p++) ids.add(p);
        JavaRDD<PackedBlock> rdd = jsc.parallelize(ids, parts)
                .map(p -> csrBlock(seed, features, rows * p / parts, rows * (p + 1) / parts));
        rdd.setName("scale csr " + rows + "x" + features);
        rdd.persist(StorageLevel.MEMORY_ONLY());
        rdd.count();
        SyntheticData.requireCached(jsc, rdd.rdd());
        return rdd;
    }

    /** Rows [lo, hi): CSR_NNZ distinct sorted columns of standard normal values, a random 0/1 label. */
    static PackedBlock csrBlock(long seed, int features, long lo, long hi) {
        int rows = Math.toIntExact(hi - lo);
        int nnz = Math.min(CSR_NNZ, features);
        int[] ptr = new int[rows + 1];
        int[] idx = new int[rows * nnz];
        double[] val = new double[rows * nnz];
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            SplittableRandom g = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + lo + r);
            int[] cols = g.ints(0, features).distinct().limit(nnz).sorted().toArray();
            System.arraycopy(cols, 0, idx, r * nnz, nnz);
            for (int k = 0; k < nnz; k++) val[r * nnz + k] = g.nextGaussian();
            ptr[r + 1] = (r + 1) * nnz;
            y[r] = g.nextBoolean() ? 1 : 0;
        }
        return PackedBlock.csr(lo, rows, features, 1, ptr, idx, val, y);
    }

    /**
     * Trains warm + steps full-batch epochs with {@code spark.sparktrain.reduce = path}; the
     * warm-up steps are left out of the means. Set on the live conf: SparkBackend reads it when built.
     */
    static Row run(JavaSparkContext jsc, TaskMetricsListener metrics, String model, int executors,
                   JavaRDD<PackedBlock> data, long rows, Sequential net, String path, int warm, int steps, long seed) {
        boolean sharded = path.equals("sharded");
        jsc.sc().conf().set(SparkBackend.REDUCE_CONF, sharded ? "auto" : path);
        BenchModel m = new BenchModel(model, net, Losses.create("CrossEntropyLoss", Options.empty("loss"), 2), net.spec());
        double[] params = net.initParams(seed);
        Trainer trainer = new Trainer(m.adam(1e-3), null, m.clip(1.0), new TrainSettings(warm + steps, 0, false, seed, null));
        List<double[]> perStep = new ArrayList<>();
        List<TaskMetricsListener.Totals> moved = new ArrayList<>();
        int parts = data.getNumPartitions();
        SparkBackend spark = new SparkBackend(jsc, data, null, net, m.loss(), 0);
        try (StepBackend sb = sharded ? new ShardedStep(spark, params, trainer.optimizer(),
                new SliceNorm(m.clip(1.0), net.paramCount()), parts) : spark) {
            TaskMetricsListener.drain(jsc.sc());
            TaskMetricsListener.Totals[] last = {metrics.snapshot()};
            long[] cpu = {TimedFit.processCpuNanos()};
            trainer.listen(StatsOnly.afterEachEpoch(st -> {
                long now = TimedFit.processCpuNanos();
                TaskMetricsListener.drain(jsc.sc());
                TaskMetricsListener.Totals t = metrics.snapshot();
                perStep.add(new double[] {st.seconds() * 1e3, (now - cpu[0]) / 1e6});
                moved.add(t.minus(last[0]));
                last[0] = t;
                cpu[0] = TimedFit.processCpuNanos();
            }));
            trainer.fit(params, sb);
        } catch (RuntimeException | OutOfMemoryError e) {
            String why = e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            return new Row(model, net.paramCount(), executors, parts, rows, path, Double.NaN, Double.NaN, Double.NaN,
                    null, 0, why.length() > 200 ? why.substring(0, 200) : why);
        }
        List<double[]> timed = perStep.subList(warm, perStep.size());
        List<TaskMetricsListener.Totals> tm = moved.subList(warm, moved.size());
        double stepMs = Stats.median(timed.stream().mapToDouble(x -> x[0]).toArray());
        double cpuMs = Arrays.stream(timed.stream().mapToDouble(x -> x[1]).toArray()).average().orElse(Double.NaN);
        TaskMetricsListener.Totals mean = meanOf(tm);
        // the gradient stage's CPU over the cores that can run it at once (2 on this machine)
        int cores = Math.min(executors, Runtime.getRuntime().availableProcessors());
        double computeMs = mean.firstStageCpuNs() / 1e6 / cores;
        return new Row(model, net.paramCount(), executors, parts, rows, path, stepMs, cpuMs, computeMs, mean, timed.size(), null);
    }

    /** Per-step means, rounded to whole units (every step of a configuration moves the same). */
    private static TaskMetricsListener.Totals meanOf(List<TaskMetricsListener.Totals> ts) {
        long[] s = new long[11];
        for (TaskMetricsListener.Totals t : ts) {
            long[] v = {t.tasks(), t.jobs(), t.resultBytes(), t.bcastPieces(), t.bcastBytes(), t.shuffleWrite(),
                    t.shuffleRemoteBytes(), t.shuffleLocalBytes(), t.shuffleBlocks(), t.firstStageCpuNs(), t.firstStageRunMs()};
            for (int i = 0; i < s.length; i++) s[i] += v[i];
        }
        int n = Math.max(1, ts.size());
        for (int i = 0; i < s.length; i++) s[i] = Math.round(s[i] / (double) n);
        return new TaskMetricsListener.Totals(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9], s[10]);
    }
}
