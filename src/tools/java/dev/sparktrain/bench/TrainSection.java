package dev.sparktrain.bench;

import dev.sparktrain.data.PackedBlock;
import org.apache.spark.api.java.JavaRDD;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sections that time sparktrain training: {@code train} (epoch and step times at each batch
 * size and mode, and the kernel alone), {@code big} (a ~1M-parameter model: step vs floor +
 * compute) and {@code scale} (epoch time vs N).
 */
final class TrainSection {
    private TrainSection() {
    }

    static void train(Session ss, BenchModel m) {
        Figures fig = ss.fig();
        long n = ss.n();
        int parts = ss.parts();
        fig.section("train_" + m.key(), "sparktrain: " + m.text() + ", Adam + clip_grad_norm, Trainer + SparkBackend");
        TimedFit.fit(ss, ss.blocks(), n, m, 0, false, 1, 1); // warm-up: two full passes (JIT), not reported
        int kr = (int) Math.min(50_000, n / parts);
        double kms = ss.calm(() -> {
            try {
                return TimedFit.computeMs(ss, m, kr, 1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        fig.put("kernel_" + m.key() + "_us_per_row", kms * 1e3 / kr, "us", "the kernel alone (plain Java, 1 thread, "
                + kr + " contiguous rows, forward + backward)");
        fig.put("kernel_" + m.key() + "_epoch_s", kms / 1e3 * n / kr / parts, "s", "  = arithmetic of one epoch spread over "
                + parts + " cores with no overhead at all");
        for (long batch : ss.batchList()) {
            for (String mode : ss.s().modes()) {
                long b = batch == 0 ? n : batch;
                long steps = (n + b - 1) / b;
                // at least ~7 timed steps: a full-batch epoch is one step, and 3 samples of it were too few
                int epochs = steps >= 50 ? 1 : steps >= 10 ? 3 : 7;
                TimedFit.Result r = ss.calm(() -> TimedFit.fit(ss, ss.blocks(), n, m, batch, mode.equals("shuffle"), 0, epochs));
                String key = "st_" + m.key() + "_" + Session.btag(batch) + "_" + Session.tag(mode);
                String what = m.key() + " batch " + (batch == 0 ? "full" : batch) + " " + mode + " (" + steps + " steps/epoch)";
                fig.put(key + "_epoch_s", r.epochSeconds(), "s", what + ": epoch");
                fig.put(key + "_step_ms", r.stepMs(), "ms", what + ": step");
                fig.put(key + "_update_ms", r.updateMs(), "ms", what + ": of which driver update (mean, clip, Adam, loop)");
                fig.put(key + "_cpu_ms", r.cpuMsPerStep(), "ms", what + ": process CPU time per step (all threads)");
            }
        }
    }

    /** A ~1M-parameter model on its own {@code big.batch x big.steps} rows, then its per-phase breakdown. */
    static void big(Session ss, BenchModel m) throws Exception {
        Figures fig = ss.fig();
        int batch = ss.s().bigBatch();
        int steps = ss.s().bigSteps();
        long rows = (long) batch * steps;
        fig.section("big", "a model with ~1M parameters: " + m.text() + ", batch " + batch + ", " + rows + " rows");
        JavaRDD<PackedBlock> data = SyntheticData.blocks(ss.jsc(), rows, ss.d(), ss.parts(), ss.seed() + 1);
        try {
            fig.put("big_params", m.params(), "params", "parameters");
            for (String mode : ss.s().modes()) {
                boolean shuffle = mode.equals("shuffle");
                TimedFit.Result r = ss.calm(() -> TimedFit.fit(ss, data, rows, m, batch, shuffle, 1, 1));
                String key = "big_" + Session.tag(mode);
                fig.put(key + "_step_ms", r.stepMs(), "ms", "sparktrain step, " + mode + " (Adam + clip)");
                fig.put(key + "_update_ms", r.updateMs(), "ms", "  of which driver update (mean, clip, Adam)");
                // the arithmetic alone: the same kernel in plain Java on as many threads as the step
                // uses (a shuffled step: one task per partition; a contiguous one: one task whose
                // rows are split over the idle cores, TaskThreads)
                int threads = ss.parts();
                fig.put(key + "_compute_ms", TimedFit.computeMs(ss, m, batch, threads), "ms",
                        "its compute in plain Java (" + threads + " thread(s) x " + (batch / threads) + " rows)");
            }
            ProbeSection.probe(ss, data, rows, m, batch, "shuffle");
        } finally {
            data.unpersist(true);
        }
    }

    /**
     * sparktrain's epoch time at each N of {@code scale}, and how linear it is in N. Unpersists
     * the session's blocks (the last section: room for the largest set).
     */
    static void scale(Session ss, BenchModel m) {
        BenchSettings s = ss.s();
        Figures fig = ss.fig();
        long batch = s.scaleBatch();
        String mode = s.firstMode();
        fig.section("scale", "epoch time vs N: " + m.key() + " batch " + batch + " " + mode);
        List<Long> ns = s.scale();
        ss.blocks().unpersist(true);
        // Passes over all N; with scale.warm_pass a first one only warms up (epoch times kept
        // falling for minutes, and the first N measured came out 20-30% slower per row). Each N's figure is the median of its
        // passes' medians, so a slow spell of the shared machine (once: every epoch of one N twice
        // as slow for ~17 s, other processes idle) spoils one pass, not the figure.
        int passes = Math.max(1, s.scalePasses());
        Map<Long, List<Double>> secs = new LinkedHashMap<>();
        Map<Long, List<Double>> passMedians = new LinkedHashMap<>();
        Map<Long, List<Double>> cpu = new LinkedHashMap<>();
        for (int pass = s.scaleWarmPass() ? -1 : 0; pass < passes; pass++) {
            boolean warm = pass < 0;
            for (long rows : ns) {
                JavaRDD<PackedBlock> data = SyntheticData.blocks(ss.jsc(), rows, ss.d(), ss.parts(), ss.seed());
                try {
                    // every N gets about the same measured time (short epochs are the noisiest): at
                    // least scale.epochs epochs and at least scale.timed_rows rows in all
                    long total = Math.max(s.scaleEpochs(), (s.scaleTimedRows() + rows - 1) / rows);
                    int epochs = warm ? 1 : (int) Math.max(1, (total + passes - 1) / passes);
                    TimedFit.Result r = ss.calm(() -> TimedFit.fit(ss, data, rows, m, batch, mode.equals("shuffle"), 1, epochs));
                    if (warm) continue;
                    for (double e : r.epochs()) secs.computeIfAbsent(rows, k -> new ArrayList<>()).add(e);
                    passMedians.computeIfAbsent(rows, k -> new ArrayList<>()).add(r.epochSeconds());
                    cpu.computeIfAbsent(rows, k -> new ArrayList<>()).add(r.cpuMsPerStep() * r.steps() / 1e3);
                } finally {
                    data.unpersist(true);
                }
            }
        }
        double[] v = new double[ns.size()]; // epoch seconds per row, for each N
        for (int j = 0; j < v.length; j++) {
            long rows = ns.get(j);
            double[] e = Stats.array(secs.get(rows));
            double med = Stats.median(Stats.array(passMedians.get(rows)));
            fig.put("scale_epoch_s_n" + rows, med, "s", "N = " + rows + ": epoch (median of " + passes
                    + " passes' medians; epochs " + Arrays.toString(Arrays.stream(e).map(x -> Math.round(x * 1000) / 1000.0).toArray())
                    + ")");
            fig.put("scale_us_per_row_n" + rows, med * 1e6 / rows, "us", "N = " + rows + ": per row");
            double c = Stats.median(Stats.array(cpu.get(rows)));
            fig.put("scale_cpu_us_per_row_n" + rows, c * 1e6 / rows, "us", "N = " + rows
                    + ": process CPU time per row (all threads; median of the passes)");
            v[j] = med / rows;
        }
        double ref = Stats.median(v);
        double dev = 0;
        for (double x : v) dev = Math.max(dev, Math.abs(x / ref - 1));
        fig.put("scale_linearity_dev_pct", 100 * dev, "%", "largest deviation of per-row epoch time from the median");
    }
}
