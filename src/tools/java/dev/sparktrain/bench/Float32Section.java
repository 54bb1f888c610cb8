package dev.sparktrain.bench;

import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.spark.SparkBackend;
import org.apache.spark.api.java.JavaRDD;

/**
 * The {@code float32} section: the session's rows stored as float32 ({@code data.precision}) and
 * models computing in float32 ({@code train.precision}). The kernel alone in both precisions, the
 * MLP's epoch at the float32 batches (next to PyTorch float32 in the ratios), and the logistic
 * full-batch step in float32 against float64, the two alternated so the machine's noise falls on both.
 */
final class Float32Section {
    private Float32Section() {
    }

    static void run(Session ss, BenchModel lr, BenchModel mp) {
        Figures fig = ss.fig();
        long n = ss.n();
        fig.section("float32", "float32: rows stored as float32, models computing in float32 (weights, sums and Adam stay float64)");
        JavaRDD<PackedBlock> data32 = SyntheticData.blocks(ss.jsc(), n, ss.d(), ss.parts(), ss.seed(),
                PackedBlock.Precision.FLOAT32);
        try {
            fig.put("cached32_bytes", SyntheticData.cachedBytes(ss.jsc(), data32.id()), "bytes",
                    "float32 blocks: bytes in Spark's block manager");
            BenchModel lr32 = lr.float32();
            BenchModel mp32 = mp.float32();
            TimedFit.fit(ss, data32, n, mp32, 0, false, 1, 1); // warm-up (JIT of the float32 paths), not reported
            TimedFit.fit(ss, data32, n, lr32, 0, false, 1, 1);
            kernels(ss, lr, lr32);
            kernels(ss, mp, mp32);
            for (long batch : batches(ss)) {
                for (String mode : ss.s().modes()) epoch(ss, data32, mp32, batch, mode);
            }
            logregFull(ss, data32, lr, lr32);
        } finally {
            data32.unpersist(true);
        }
    }

    /**
     * The kernel alone (1 thread, contiguous rows) in float64 on float64 rows and float32 on float32
     * rows, alternated over three rounds (64, 32, 32, 64, 64, 32); each figure is its best round's
     * median, so a slow spell during one pass does not decide the ratio.
     */
    private static void kernels(Session ss, BenchModel m64, BenchModel m32) {
        int kr = (int) Math.min(50_000, ss.n() / ss.parts());
        double[] us = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
        int rounds = 3;
        for (int r = 0; r < 2 * rounds; r++) {
            int p = (r % 4 == 0 || r % 4 == 3) ? 0 : 1;
            BenchModel m = p == 0 ? m64 : m32;
            PackedBlock.Precision storage = p == 0 ? PackedBlock.Precision.FLOAT64 : PackedBlock.Precision.FLOAT32;
            double perRow = ss.calm(() -> {
                try {
                    return TimedFit.computeMs(ss, m, kr, 1, storage);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }) * 1e3 / kr;
            us[p] = Math.min(us[p], perRow);
        }
        String what = "the kernel alone (plain Java, 1 thread, " + kr + " contiguous rows, forward + backward; best of "
                + rounds + " alternated rounds)";
        ss.fig().put("kernel_" + m64.key() + "64_us_per_row", us[0], "us", m64.key() + " float64: " + what);
        ss.fig().put("kernel_" + m64.key() + "32_us_per_row", us[1], "us", m64.key() + " float32: " + what);
    }

    /** The float32 batches (a batch >= N is a full batch), as {@link Session#batchList} orders them. */
    private static long[] batches(Session ss) {
        return ss.batchList(ss.s().float32Batches());
    }

    private static void epoch(Session ss, JavaRDD<PackedBlock> data32, BenchModel m32, long batch, String mode) {
        long n = ss.n();
        long b = batch == 0 ? n : batch;
        long steps = (n + b - 1) / b;
        int epochs = steps >= 50 ? 1 : steps >= 10 ? 3 : 7; // as TrainSection: at least ~7 timed steps
        TimedFit.Result r = ss.calm(() -> TimedFit.fit(ss, data32, n, m32, batch, mode.equals("shuffle"), 0, epochs));
        String key = "st32_" + m32.key() + "_" + Session.btag(batch) + "_" + Session.tag(mode);
        String what = m32.key() + " float32 batch " + (batch == 0 ? "full" : batch) + " " + mode + " (" + steps + " steps/epoch)";
        ss.fig().put(key + "_epoch_s", r.epochSeconds(), "s", what + ": epoch");
        ss.fig().put(key + "_step_ms", r.stepMs(), "ms", what + ": step");
        ss.fig().put(key + "_cpu_ms", r.cpuMsPerStep(), "ms", what + ": process CPU time per step (all threads)");
        // the same epoch with the steps in a barrier stage (no Spark job per step)
        TimedFit.Result p = persistent(ss, () -> ss.calm(() -> TimedFit.fit(ss, data32, n, m32, batch, mode.equals("shuffle"), 0, epochs)));
        String pkey = "st32p_" + m32.key() + "_" + Session.btag(batch) + "_" + Session.tag(mode);
        ss.fig().put(pkey + "_epoch_s", p.epochSeconds(), "s", what + ", persistent steps: epoch");
        ss.fig().put(pkey + "_step_ms", p.stepMs(), "ms", what + ", persistent steps: step");
    }

    /** {@code timed} with persistent steps on (the bench times jobs otherwise, so its older figures keep their meaning). */
    private static <T> T persistent(Session ss, java.util.function.Supplier<T> timed) {
        org.apache.spark.SparkConf live = ss.jsc().sc().conf();
        String before = live.get(SparkBackend.PERSISTENT_STEPS_CONF, null);
        live.set(SparkBackend.PERSISTENT_STEPS_CONF, "true");
        try {
            return timed.get();
        } finally {
            if (before == null) live.remove(SparkBackend.PERSISTENT_STEPS_CONF);
            else live.set(SparkBackend.PERSISTENT_STEPS_CONF, before);
        }
    }

    /**
     * The logistic full-batch step (bound by reading the rows: 400 bytes a row in float32, 800 in
     * float64) in both precisions, alternated over rounds; each figure is its best round's median.
     * Through jobs (a job per step: what a cluster runs by default), then with persistent steps
     * (local mode's default: without validation one stage serves all the epochs).
     */
    private static void logregFull(Session ss, JavaRDD<PackedBlock> data32, BenchModel lr64, BenchModel lr32) {
        String mode = ss.s().firstMode();
        boolean shuffle = mode.equals("shuffle");
        int rounds = 2;
        String t = Session.tag(mode);
        for (boolean persistent : new boolean[] {false, true}) {
            double[] best = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
            for (int r = 0; r < 2 * rounds; r++) {
                int p = (r % 4 == 0 || r % 4 == 3) ? 0 : 1; // 64, 32, 32, 64
                BenchModel m = p == 0 ? lr64 : lr32;
                JavaRDD<PackedBlock> data = p == 0 ? ss.blocks() : data32;
                java.util.function.Supplier<TimedFit.Result> fit = () -> ss.calm(() -> TimedFit.fit(ss, data, ss.n(), m, 0, shuffle, 0, 7));
                TimedFit.Result res = persistent ? persistent(ss, fit) : fit.get();
                best[p] = Math.min(best[p], res.stepMs());
            }
            String k = persistent ? "p" : "";
            String how = persistent ? ", persistent steps" : "";
            ss.fig().put("st64" + k + "_logreg_full_" + t + "_step_ms", best[0], "ms", "logistic full batch " + mode
                    + ", float64" + how + ": step (best of " + rounds + " rounds' medians)");
            ss.fig().put("st32" + k + "_logreg_full_" + t + "_step_ms", best[1], "ms", "logistic full batch " + mode
                    + ", float32 rows + compute" + how + ": step (idem)");
        }
    }
}
