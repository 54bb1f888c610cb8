package dev.sparktrain.bench;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.spark.load.Blocks;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.optim.clip.GradientClipper;
import dev.sparktrain.optim.clip.GradientClippers;
import dev.sparktrain.train.BlockWorker;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.train.TrainSettings;
import dev.sparktrain.train.Trainer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The benchmark: one JVM, one SparkContext, generated data; Spark's floor, sparktrain, MLlib and
 * (figures from bench/pytorch_bench.py) PyTorch on the same shapes, the per-phase cost of a step,
 * and the ratios against the targets of docs/PERFORMANCE.md. Every figure is one human line plus one
 * {@code FIGURE <name> <value> <unit>} line. Run it with {@code ./bench.sh [quick] [key=value ...]}.
 */
public final class Bench {
    private static final String[] KEYS = {"master", "rows", "features", "partitions", "seed", "batches", "modes",
            "sections", "floor.reps", "floor.warm", "floor.bigreps", "floor.d", "probe", "probe.steps", "probe.warm", "big.model",
            "big.batch", "big.steps", "mllib.sgd.iters", "mllib.mlp.iters", "scale", "scale.model", "scale.batch", "scale.epochs", "scale.timed_rows", "scale.passes", "scale.warm_pass",
            "lineage.rows", "torch", "lr", "max_norm", "quiet", "quiet.wait", "retries"};

    private final Map<String, String> cfg;
    private final Figures fig;
    private final PrintStream out;
    private JavaSparkContext jsc;
    private JavaRDD<PackedBlock> blocks;
    private long n;
    private int d;
    private int parts;
    private long seed;

    private Bench(Map<String, String> cfg, PrintStream out) {
        this.cfg = cfg;
        this.out = out;
        this.fig = new Figures(out);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> cfg = new LinkedHashMap<>();
        Map<String, String> sparkConf = new LinkedHashMap<>();
        boolean quick = Arrays.asList(args).contains("quick");
        defaults(cfg, quick);
        for (String a : args) {
            if (a.equals("quick")) continue;
            int eq = a.indexOf('=');
            if (eq <= 0) throw new SparkTrainException("bench: expected key=value or 'quick', got '" + a + "'");
            String k = a.substring(0, eq).trim();
            String v = a.substring(eq + 1).trim();
            if (k.startsWith("spark.")) {
                sparkConf.put(k, v);
            } else if (Arrays.asList(KEYS).contains(k)) {
                cfg.put(k, v);
            } else {
                throw new SparkTrainException("bench: unknown key '" + k + "'; allowed: " + String.join(", ", KEYS)
                        + ", spark.*");
            }
        }
        cfg.put("quick", String.valueOf(quick));
        SparkConf conf = new SparkConf().setMaster(cfg.get("master")).setAppName("sparktrain-bench")
                .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
                .set("spark.driver.host", System.getenv().getOrDefault("SPARK_LOCAL_IP", "127.0.0.1"));
        sparkConf.forEach(conf::set);
        Bench b = new Bench(cfg, System.out);
        try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
            jsc.setLogLevel("WARN");
            b.jsc = jsc;
            b.run(sparkConf);
        }
    }

    private static void defaults(Map<String, String> c, boolean quick) {
        c.put("master", "local[2]");
        c.put("rows", quick ? "20000" : "1000000");
        c.put("features", "100");
        c.put("partitions", "0");
        c.put("seed", "42");
        c.put("batches", "1024,10000,100000,0");
        c.put("modes", "shuffle,contiguous");
        c.put("sections", "floor,train,probe,big,mllib,lineage,scale");
        c.put("floor.reps", quick ? "5" : "40");
        c.put("floor.d", "");
        c.put("floor.warm", quick ? "2" : "10");
        c.put("floor.bigreps", quick ? "1" : "15");
        c.put("probe", "logreg:1024,mlp:10000,mlp:0");
        c.put("probe.steps", quick ? "3" : "30");
        c.put("probe.warm", quick ? "1" : "5");
        c.put("big.model", "linear(100,1000), relu, linear(1000,900), relu, linear(900,2)");
        c.put("big.batch", "1024");
        c.put("big.steps", quick ? "2" : "20");
        c.put("mllib.sgd.iters", quick ? "3" : "20");
        c.put("mllib.mlp.iters", quick ? "1" : "5");
        c.put("scale", quick ? "10000,20000,40000" : "500000,1000000,2000000,4000000");
        c.put("scale.model", "mlp");
        c.put("scale.batch", quick ? "1024" : "10000");
        c.put("scale.epochs", quick ? "1" : "3");
        c.put("scale.timed_rows", quick ? "0" : "8000000");
        c.put("scale.passes", quick ? "1" : "3");
        c.put("scale.warm_pass", quick ? "0" : "1");
        c.put("lineage.rows", quick ? "20000" : "200000");
        c.put("torch", "");
        c.put("quiet", quick ? "1" : "0.25");
        c.put("quiet.wait", "120");
        c.put("retries", "2");
        c.put("lr", "0.001");
        c.put("max_norm", "1.0");
    }

    /** Before a measurement: wait for the other processes on this shared machine to calm down. */
    private void quiet() {
        double max = Double.parseDouble(cfg.get("quiet"));
        long t0 = System.currentTimeMillis();
        double share = CpuMeter.awaitQuiet(max, 1000L * l("quiet.wait"));
        long waited = System.currentTimeMillis() - t0;
        if (share > max) {
            out.printf(Locale.ROOT, "  (busy machine: other processes still use %.0f%% of the CPUs after %d s; measuring anyway)%n",
                    100 * share, waited / 1000);
        }
    }

    /**
     * Runs one measurement, and again (up to {@code retries} more times) while other processes
     * took more than the {@code quiet} share of the CPUs during it; keeps the calmest attempt.
     */
    private <T> T calm(java.util.function.Supplier<T> run) {
        double max = Double.parseDouble(cfg.get("quiet"));
        T best = null;
        double bestShare = Double.POSITIVE_INFINITY;
        for (int t = 0; t <= i("retries"); t++) {
            System.gc(); // the previous measurement's garbage (often huge arrays) is not this one's cost
            quiet();
            CpuMeter m = new CpuMeter();
            m.start();
            T r = run.get();
            double share = m.foreignShare();
            if (best == null || share < bestShare || Double.isNaN(share)) {
                best = r;
                bestShare = share;
            }
            if (!(share > max)) break;
        }
        if (bestShare > max) {
            out.printf(Locale.ROOT, "  (other processes took %.0f%% of the CPUs during the next figure, the calmest of %d tries)%n",
                    100 * bestShare, i("retries") + 1);
        }
        return best;
    }

    private int i(String k) {
        return Integer.parseInt(cfg.get(k));
    }

    private long l(String k) {
        return Long.parseLong(cfg.get(k));
    }

    private boolean section(String s) {
        return Arrays.asList(cfg.get("sections").split(",")).contains(s);
    }

    private List<String> modes() {
        List<String> m = new ArrayList<>();
        for (String s : cfg.get("modes").split(",")) {
            s = s.trim();
            if (!s.equals("shuffle") && !s.equals("contiguous")) {
                throw new SparkTrainException("bench: modes: 'shuffle' and/or 'contiguous', got '" + s + "'");
            }
            m.add(s);
        }
        return m;
    }

    private static String tag(String mode) {
        return mode.equals("shuffle") ? "shuf" : "contig";
    }

    private static String btag(long batch) {
        return batch == 0 ? "full" : "b" + batch;
    }

    // ---------------------------------------------------------------------------------------

    /** The benchmark's two models on {@code d} features. */
    private record Model(String key, Sequential net, Loss loss, String text) {
    }

    private Model logreg() {
        Sequential s = Sequential.parse("linear(" + d + ",1)", "bench");
        return new Model("logreg", s, Losses.create("BCEWithLogitsLoss", Options.empty("loss"), 1),
                "logistic regression linear(" + d + ",1) + BCEWithLogitsLoss (" + s.paramCount() + " params)");
    }

    private Model mlp() {
        Sequential s = Sequential.parse("linear(" + d + ",64), relu, linear(64,2)", "bench");
        return new Model("mlp", s, Losses.create("CrossEntropyLoss", Options.empty("loss"), 2),
                "MLP " + d + "->64->2 relu + CrossEntropyLoss (" + s.paramCount() + " params)");
    }

    private Model big() {
        Sequential s = Sequential.parse(cfg.get("big.model"), "bench big.model");
        return new Model("big", s, Losses.create("CrossEntropyLoss", Options.empty("loss"), s.outFeatures()),
                s.spec() + " + CrossEntropyLoss (" + s.paramCount() + " params)");
    }

    private Optimizer adam(Sequential s) {
        return Optimizers.create("Adam", new Options("optimizer", Map.of("lr", Double.parseDouble(cfg.get("lr")))),
                GroupSpec.all(s.paramCount()));
    }

    private GradientClipper clip(Sequential s) {
        return GradientClippers.create(new Options("clip", Map.of("max_norm", Double.parseDouble(cfg.get("max_norm")))),
                s.tensorSizes());
    }

    // ---------------------------------------------------------------------------------------

    private void run(Map<String, String> sparkConf) throws Exception {
        n = l("rows");
        d = i("features");
        seed = l("seed");
        parts = i("partitions") > 0 ? i("partitions") : jsc.defaultParallelism();
        header(sparkConf);
        if (!cfg.get("torch").isEmpty()) {
            Path p = Path.of(cfg.get("torch"));
            if (Files.exists(p)) out.println("pytorch figures: " + fig.load(p) + " loaded from " + p);
            else out.println("pytorch figures: " + p + " not found; PyTorch ratios not measured");
        }

        fig.section("data", "data: " + n + " rows x " + d + " features, 2 classes, " + parts + " partitions (generated on the executors)");
        long t0 = System.nanoTime();
        blocks = SyntheticData.blocks(jsc, n, d, parts, seed);
        fig.put("data_generate_s", (System.nanoTime() - t0) / 1e9, "s", "generate + cache the blocks");
        long cached = SyntheticData.cachedBytes(jsc, blocks.id());
        long raw = 8L * n * d;
        fig.put("cached_bytes", cached, "bytes", "sparktrain blocks: bytes in Spark's block manager");
        fig.put("raw_bytes", raw, "bytes", "N x d x 8 (features as float64)");
        fig.put("cached_over_raw", cached / (double) raw, "x", "cached / (N x d x 8) (labels add 1/d)");
        fig.put("shuffle_order_ms", shuffleOrderMs(), "ms", "a shuffled epoch's row order for one partition ("
                + n / parts + " rows; PackedBlock.slice, plain Java)");

        Model lr = logreg();
        Model mp = mlp();
        Model bg = big();
        if (section("floor")) floor(lr, mp, bg);
        if (section("train")) {
            train(lr);
            train(mp);
        }
        if (section("probe")) {
            for (String c : cfg.get("probe").split(",")) {
                String[] kb = c.trim().split(":");
                probe(kb[0].equals("logreg") ? lr : mp, Long.parseLong(kb[1]), modes().get(0));
            }
        }
        if (section("big")) big(bg);
        if (section("mllib")) mllib();
        if (section("lineage")) lineage(lr);
        if (section("scale")) scale(cfg.get("scale.model").equals("logreg") ? lr : mp);
        ratios(lr, mp, bg);
        fig.endSection();
        if (Boolean.parseBoolean(cfg.get("quick"))) {
            out.println("quick mode: tiny sizes to check that the benchmark runs; its figures say nothing about the targets");
        }
    }

    private void header(Map<String, String> sparkConf) {
        Runtime rt = Runtime.getRuntime();
        out.println("sparktrain bench (issue 8)");
        out.printf(Locale.ROOT, "machine: %s, %d cores visible to the JVM, %.1f GB max heap; %s %s; Java %s (%s)%n",
                cpuModel(), rt.availableProcessors(), rt.maxMemory() / 1e9, System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"), System.getProperty("java.vm.name"));
        String blas = dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName();
        boolean nativeBlas = blas.equals("JNIBLAS");
        out.printf(Locale.ROOT, "spark %s, master %s, default parallelism %d%s; BLAS %s (%s; sparktrain and MLlib use the same netlib)%n",
                jsc.version(), jsc.master(), jsc.defaultParallelism(), sparkConf.isEmpty() ? "" : ", conf " + sparkConf,
                blas, nativeBlas ? "native, system BLAS via JNI" : "pure-Java fallback");
        out.println("settings: " + cfg);
        out.printf("env: OPENBLAS_NUM_THREADS=%s OMP_NUM_THREADS=%s%n", System.getenv("OPENBLAS_NUM_THREADS"),
                System.getenv("OMP_NUM_THREADS"));
        out.printf(Locale.ROOT, "FIGURE blas_native %d bool%n", nativeBlas ? 1 : 0);
        out.printf(Locale.ROOT, "FIGURE cores %d n%n", rt.availableProcessors());
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (Exception e) {
            // not Linux
        }
        return "cpu unknown";
    }

    /**
     * What a shuffled epoch costs each partition before its first step: PackedBlock computes and
     * sorts the epoch positions of its rows (once per epoch, on the executor).
     */
    private double shuffleOrderMs() {
        long rows = n / parts;
        PackedBlock b = SyntheticData.block(seed, 1, 0, rows);
        double[] ms = new double[3];
        for (int e = 0; e < 4; e++) {
            EpochOrder o = new EpochOrder(n, true, seed, e);
            long t0 = System.nanoTime();
            b.slice(o, e, 0, 1);
            if (e > 0) ms[e - 1] = Stats.ms(System.nanoTime() - t0);
        }
        return Stats.median(ms);
    }

    // --------------------------------------------------------------------------------- floor

    private double floorAt(int dd, String what, boolean all, int reps, int warm) {
        List<Floor.Kind> kinds = new ArrayList<>(List.of(Floor.Kind.COLLECT, Floor.Kind.REDUCE, Floor.Kind.CLOSURE,
                Floor.Kind.RUNJOB));
        if (all) kinds.add(Floor.Kind.TREE);
        double[][] ms = calm(() -> Floor.time(jsc, blocks, kinds.toArray(new Floor.Kind[0]), dd, warm, reps));
        double c = Stats.median(ms[0]);
        double r = Stats.median(ms[1]);
        fig.put("floor_collect_ms_d" + dd, c, "ms", "d=" + dd + " " + what + ": broadcast + mapPartitions + collect + add");
        fig.put("floor_reduce_ms_d" + dd, r, "ms", "d=" + dd + ": broadcast + mapPartitions + reduce");
        fig.put("floor_closure_ms_d" + dd, Stats.median(ms[2]), "ms", "d=" + dd
                + ": weights in the closure + mapPartitions + collect + add");
        fig.put("floor_runjob_ms_d" + dd, Stats.median(ms[3]), "ms", "d=" + dd
                + ": SparkBackend's path (runJob, plain function" + (dd > dev.sparktrain.spark.SparkBackend.INLINE_MAX
                ? ", broadcast)" : ", weights inline)"));
        if (all) {
            fig.put("floor_tree_ms_d" + dd, Stats.median(ms[4]), "ms", "d=" + dd + ": broadcast + treeAggregate (MLlib's way)");
        }
        return fig.put("floor_ms_d" + dd, Math.min(c, r), "ms", "FLOOR d=" + dd
                + " as the issue defines it (faster of collect/reduce)");
    }

    private void floor(Model lr, Model mp, Model bg) {
        fig.section("floor", "Spark floor: one step with no arithmetic (median of " + cfg.get("floor.reps") + " after "
                + cfg.get("floor.warm") + " warm-up)");
        int reps = i("floor.reps");
        int warm = i("floor.warm");
        // warm-up (not reported) of every job path, so the first d measured is not the JIT's victim
        Floor.time(jsc, blocks, Floor.Kind.values(), lr.net.paramCount(), 3 * warm, 0);
        if (!cfg.get("floor.d").isEmpty()) { // only the given d
            for (String x : cfg.get("floor.d").split(",")) floorAt(Integer.parseInt(x.trim()), "", true, reps, warm);
        } else {
            floorAt(lr.net.paramCount(), "(logistic)", true, reps, warm);
            floorAt(mp.net.paramCount(), "(MLP)", true, reps, warm);
            int big = i("floor.bigreps");
            floorAt(bg.net.paramCount(), "(1M-param model)", false, big, Math.min(warm, 3));
            floorAt(1_000_000, "", true, big, Math.min(warm, 3));
        }
        // last, with Spark's job path warm: an empty job (no weights, nothing returned)
        double[][] e = calm(() -> Floor.time(jsc, blocks, new Floor.Kind[] {Floor.Kind.EMPTY, Floor.Kind.EMPTY_RUNJOB},
                1, warm, reps));
        fig.put("empty_job_ms", Stats.median(e[0]), "ms", "empty job over the cached partitions (Java API)");
        fig.put("empty_runjob_ms", Stats.median(e[1]), "ms", "empty job over the cached partitions (runJob, plain function)");
    }

    // --------------------------------------------------------------------------------- train

    private long[] batchList() {
        List<Long> bs = new ArrayList<>();
        for (String s : cfg.get("batches").split(",")) {
            long b = Long.parseLong(s.trim());
            if (b >= n) b = 0;
            if (!bs.contains(b)) bs.add(b);
        }
        // full batch first, then larger to smaller: long steps warm the kernels before the per-step figures
        bs.sort((a, b) -> Long.compare(b == 0 ? Long.MAX_VALUE : b, a == 0 ? Long.MAX_VALUE : a));
        return bs.stream().mapToLong(Long::longValue).toArray();
    }

    /** One sparktrain run (Trainer + SparkBackend, Adam + clip_grad_norm): per-epoch seconds. */
    private record RunResult(double epochSeconds, double stepMs, double jobMs, double updateMs, double cpuMsPerStep,
                             long steps, double[] epochs) {
    }

    /** CPU time of this whole process (driver and local executors), ns; -1 when unknown. */
    static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : -1;
    }

    private RunResult fit(JavaRDD<PackedBlock> data, long rows, Model m, long batch, boolean shuffle, int warmEpochs,
                          int epochs) {
        double[] params = m.net.initParams(seed);
        Trainer trainer = new Trainer(adam(m.net), null, clip(m.net),
                new TrainSettings(warmEpochs + epochs, (int) batch, shuffle, seed, null));
        long b = batch == 0 ? rows : batch;
        long steps = (rows + b - 1) / b;
        List<double[]> perEpoch = new ArrayList<>();
        try (SparkBackend sb = new SparkBackend(jsc, data, null, m.net, m.loss)) {
            TimedBackend tb = new TimedBackend(sb);
            long[] cpu = {processCpuNanos()};
            trainer.listen(new dev.sparktrain.train.TrainListener() {
                @Override
                public void afterEpoch(EpochStats st, double[] p) {
                    long now = processCpuNanos();
                    perEpoch.add(new double[] {st.seconds(), tb.nanos / 1e6 / Math.max(1, tb.steps),
                            (now - cpu[0]) / 1e6 / Math.max(1, tb.steps)});
                    cpu[0] = now;
                    tb.reset();
                }
            });
            trainer.fit(params, tb);
        }
        List<double[]> timed = perEpoch.subList(warmEpochs, perEpoch.size());
        double[] secs = timed.stream().mapToDouble(x -> x[0]).toArray();
        double[] job = timed.stream().mapToDouble(x -> x[1]).toArray();
        double s = Stats.median(secs);
        double stepMs = s * 1e3 / steps;
        double jobMs = Stats.median(job);
        double cpuMs = Stats.median(timed.stream().mapToDouble(x -> x[2]).toArray());
        return new RunResult(s, stepMs, jobMs, stepMs - jobMs, cpuMs, steps, secs);
    }

    private void train(Model m) {
        fig.section("train_" + m.key, "sparktrain: " + m.text + ", Adam + clip_grad_norm, Trainer + SparkBackend");
        fit(blocks, n, m, 0, false, 1, 1); // warm-up: two full passes (JIT), not reported
        int kr = (int) Math.min(50_000, n / parts);
        double kms = calm(() -> {
            try {
                return compute(m, kr, 1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        fig.put("kernel_" + m.key + "_us_per_row", kms * 1e3 / kr, "us", "the kernel alone (plain Java, 1 thread, "
                + kr + " contiguous rows, forward + backward)");
        fig.put("kernel_" + m.key + "_epoch_s", kms / 1e3 * n / kr / parts, "s", "  = arithmetic of one epoch spread over "
                + parts + " cores with no overhead at all");
        for (long batch : batchList()) {
            for (String mode : modes()) {
                long b = batch == 0 ? n : batch;
                long steps = (n + b - 1) / b;
                // at least ~7 timed steps: a full-batch epoch is one step, and 3 samples of it were too few
                int epochs = steps >= 50 ? 1 : steps >= 10 ? 3 : 7;
                RunResult r = calm(() -> fit(blocks, n, m, batch, mode.equals("shuffle"), 0, epochs));
                String key = "st_" + m.key + "_" + btag(batch) + "_" + tag(mode);
                String what = m.key + " batch " + (batch == 0 ? "full" : batch) + " " + mode + " (" + steps + " steps/epoch)";
                fig.put(key + "_epoch_s", r.epochSeconds, "s", what + ": epoch");
                fig.put(key + "_step_ms", r.stepMs, "ms", what + ": step");
                fig.put(key + "_update_ms", r.updateMs, "ms", what + ": of which driver update (mean, clip, Adam, loop)");
                fig.put(key + "_cpu_ms", r.cpuMsPerStep, "ms", what + ": process CPU time per step (all threads)");
            }
        }
    }

    // --------------------------------------------------------------------------------- probe

    private void probe(Model m, long batch, String mode) {
        long b = batch >= n ? 0 : batch;
        fig.section("phase_" + m.key + "_" + btag(b), "per-phase breakdown of one step: " + m.key + " batch " + (b == 0 ? "full" : b) + " " + mode
                + " (median over steps; nanoTime on driver and in tasks)");
        StepProbe probe = new StepProbe(jsc, blocks, m.net, m.loss);
        int steps = b == 0 ? Math.max(2, i("probe.steps") / 6) : i("probe.steps");
        int warm = b == 0 ? 1 : i("probe.warm");
        List<StepProbe.Run> runs = new ArrayList<>();
        for (StepProbe.Ship ship : StepProbe.Ship.values()) {
            runs.add(new StepProbe.Run(m.net.initParams(seed), adam(m.net), clip(m.net), ship));
        }
        JobTimeline tl = new JobTimeline();
        quiet();
        jsc.sc().addSparkListener(tl);
        double[][][] ph;
        double[] tm;
        try {
            ph = probe.run(runs, (int) b, mode.equals("shuffle"), seed, warm, steps);
            tm = tl.taskMeans();
        } finally {
            jsc.sc().removeSparkListener(tl);
        }
        Map<StepProbe.Ship, double[]> med = new LinkedHashMap<>();
        for (int r = 0; r < runs.size(); r++) {
            double[] mm = new double[StepProbe.PHASES.length];
            for (int k = 0; k < mm.length; k++) {
                final int kk = k;
                mm[k] = Stats.median(Arrays.stream(ph[r]).mapToDouble(x -> x[kk]).toArray());
            }
            med.put(runs.get(r).ship, mm);
        }
        String key = "phase_" + m.key + "_" + btag(b) + "_" + tag(mode);
        out.printf(Locale.ROOT, "  %-72s %9s %9s %9s%n", "phase (ms)", "current", "before", "closure");
        StepProbe.Ship[] cols = {StepProbe.Ship.CURRENT, StepProbe.Ship.BEFORE, StepProbe.Ship.CLOSURE};
        for (int k = 0; k < StepProbe.PHASES.length; k++) {
            out.printf(Locale.ROOT, "  %-72s %9.3f %9.3f %9.3f%n", StepProbe.PHASE_TEXT[k],
                    med.get(cols[0])[k], med.get(cols[1])[k], med.get(cols[2])[k]);
        }
        out.println("  current = SparkBackend now (SparkContext.runJob with a plain function; weights in the closure up to "
                + dev.sparktrain.spark.SparkBackend.INLINE_MAX + " values, else a broadcast);");
        out.println("  before = broadcast + mapPartitions/collectPartitions through the Java RDD API (SparkBackend's first version);"
                + " closure = before with the weights in the closure");
        out.printf(Locale.ROOT, "  Spark's task metrics (mean over all variants' tasks): deserialize task %.2f ms (CPU %.2f ms), "
                + "run %.2f ms, result serialization %.2f ms, result %.0f bytes%n", tm[0], tm[1] / 1e6, tm[2], tm[3], tm[4]);
        for (StepProbe.Ship ship : cols) {
            for (int k = 0; k < StepProbe.PHASES.length; k++) {
                out.printf(Locale.ROOT, "FIGURE %s_%s_%s_ms %s ms%n", key, ship.label, StepProbe.PHASES[k],
                        Figures.fmt(med.get(ship)[k]));
            }
        }
        int total = StepProbe.PHASES.length - 2;
        fig.put(key + "_before_total_ms", med.get(StepProbe.Ship.BEFORE)[total], "ms",
                "whole step, the Java RDD API path (SparkBackend's first version)");
        fig.put(key + "_current_total_ms", med.get(StepProbe.Ship.CURRENT)[total], "ms",
                "whole step, SparkBackend now");
    }

    // --------------------------------------------------------------------------------- big model

    private void big(Model m) throws Exception {
        int batch = i("big.batch");
        int steps = i("big.steps");
        long rows = (long) batch * steps;
        fig.section("big", "a model with ~1M parameters: " + m.text + ", batch " + batch + ", " + rows + " rows");
        JavaRDD<PackedBlock> data = SyntheticData.blocks(jsc, rows, d, parts, seed + 1);
        try {
            fig.put("big_params", m.net.paramCount(), "params", "parameters");
            for (String mode : modes()) {
                boolean shuffle = mode.equals("shuffle");
                RunResult r = calm(() -> fit(data, rows, m, batch, shuffle, 1, 1));
                String key = "big_" + tag(mode);
                fig.put(key + "_step_ms", r.stepMs, "ms", "sparktrain step, " + mode + " (Adam + clip)");
                fig.put(key + "_update_ms", r.updateMs, "ms", "  of which driver update (mean, clip, Adam)");
                // the arithmetic alone: the same kernel in plain Java on as many threads as the step
                // uses (a shuffled step: one task per partition; a contiguous one: one task whose
                // rows are split over the idle cores, TaskThreads)
                int threads = parts;
                fig.put(key + "_compute_ms", compute(m, batch, threads), "ms",
                        "its compute in plain Java (" + threads + " thread(s) x " + (batch / threads) + " rows)");
            }
            probeOn(data, m, batch);
        } finally {
            data.unpersist(true);
        }
    }

    private void probeOn(JavaRDD<PackedBlock> data, Model m, int batch) {
        JavaRDD<PackedBlock> keep = blocks;
        blocks = data;
        long keepN = n;
        n = Blocks.rows(data);
        try {
            probe(m, batch, "shuffle");
        } finally {
            blocks = keep;
            n = keepN;
        }
    }

    /** Median wall ms of the kernel on {@code batch} rows split over {@code threads} threads. */
    private double compute(Model m, int batch, int threads) throws Exception {
        int per = batch / threads;
        PackedBlock[] local = new PackedBlock[threads];
        BlockWorker[] workers = new BlockWorker[threads];
        for (int t = 0; t < threads; t++) {
            local[t] = SyntheticData.block(seed, d, (long) t * per, (long) (t + 1) * per);
            workers[t] = new BlockWorker(m.net, m.loss);
        }
        double[] params = m.net.initParams(seed);
        EpochOrder order = new EpochOrder((long) per * threads, false, seed, 0);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            int reps = Math.max(5, i("big.steps"));
            double[] ms = new double[reps];
            for (int r = -2; r < reps; r++) {
                long t0 = System.nanoTime();
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    final int tt = t;
                    fs.add(pool.submit(() -> {
                        double[] sums = new double[workers[tt].sumsLength()];
                        workers[tt].accumulate(local[tt], order, 0, 0, (long) per * threads, params, sums);
                    }));
                }
                for (Future<?> f : fs) f.get();
                if (r >= 0) ms[r] = Stats.ms(System.nanoTime() - t0);
            }
            return Stats.median(ms);
        } finally {
            pool.shutdown();
        }
    }

    // --------------------------------------------------------------------------------- MLlib

    private void mllib() {
        fig.section("mllib", "MLlib on the same rows");
        long t0 = System.nanoTime();
        RDD<Tuple2<Object, Vector>> pairs = SyntheticData.mllibPairs(jsc, blocks);
        fig.put("mllib_pairs_build_s", (System.nanoTime() - t0) / 1e9, "s", "build + cache RDD[(Double, Vector)]");
        fig.put("mllib_pairs_cached_bytes", SyntheticData.cachedBytes(jsc, pairs.id()), "bytes",
                "its cached bytes (vs N x d x 8 = " + 8L * n * d + ")");
        try {
            int iters = i("mllib.sgd.iters");
            JobTimeline sgdJobs = new JobTimeline();
            jsc.sc().addSparkListener(sgdJobs);
            try {
                for (long batch : batchList()) {
                    double frac = batch == 0 ? 1.0 : batch / (double) n;
                    int it = batch == 0 ? Math.max(2, iters / 4) : iters;
                    MllibBench.sgdStepSeconds(pairs, d, frac, 2, sgdJobs); // warm
                    double step = calm(() -> MllibBench.sgdStepSeconds(pairs, d, frac, it, sgdJobs));
                    long b = batch == 0 ? n : batch;
                    long steps = (n + b - 1) / b;
                    String key = "mllib_sgd_" + btag(batch);
                    fig.put(key + "_step_ms", step * 1e3, "ms", String.format(Locale.ROOT,
                            "runMiniBatchSGD logistic, miniBatchFraction %.6g: step", frac));
                    fig.put(key + "_epoch_s", step * steps, "s", "  x " + steps + " steps = one epoch's worth");
                }
            } finally {
                jsc.sc().removeSparkListener(sgdJobs);
            }
        } finally {
            pairs.unpersist(true);
        }

        SparkSession spark = SparkSession.builder().sparkContext(jsc.sc()).getOrCreate();
        t0 = System.nanoTime();
        Dataset<Row> df = SyntheticData.mlFrame(spark, blocks);
        fig.put("mllib_df_build_s", (System.nanoTime() - t0) / 1e9, "s", "build + cache the DataFrame (label, features)");
        JobTimeline tl = new JobTimeline();
        jsc.sc().addSparkListener(tl);
        try {
            int iters = i("mllib.mlp.iters");
            MllibBench.MlpTiming t = calm(() -> MllibBench.mlp(df, new int[] {d, 64, 2}, iters, tl, seed));
            fig.put("mllib_mlp_fit_s", t.fitSeconds(), "s", "MultilayerPerceptronClassifier(" + d + ",64,2, gd) fit, maxIter "
                    + iters);
            fig.put("mllib_mlp_setup_s", t.setupSeconds(), "s", "  of which before the first iteration (stacking into blocks)");
            fig.put("mllib_mlp_gd_iter_s", t.perIteration(), "s", "  per gd iteration (one full gradient pass; "
                    + t.iterations() + " timed)");
        } finally {
            jsc.sc().removeSparkListener(tl);
            df.unpersist(true);
        }
    }

    // --------------------------------------------------------------------------------- lineage

    /**
     * {@code Blocks.fromArrays} parallelizes the blocks themselves: a ParallelCollectionRDD's
     * partitions carry their data, so every task of every step ships its whole block, cached or not.
     */
    private void lineage(Model m) {
        long rows = Math.min(n, l("lineage.rows"));
        fig.section("lineage", "data source lineage: Blocks.fromArrays vs blocks built per partition (" + rows + " rows)");
        double[] x = new double[Math.toIntExact(rows * d)];
        double[] y = new double[(int) rows];
        SyntheticData.fill(seed, d, 0, rows, x, y);
        JavaRDD<PackedBlock> fa = Blocks.fromArrays(jsc, x, y, d, 1, parts);
        JavaRDD<PackedBlock> gen = SyntheticData.blocks(jsc, rows, d, parts, seed);
        try {
            int reps = Math.max(3, i("floor.reps") / 4);
            double a = Stats.median(Floor.time(jsc, fa, Floor.Kind.COLLECT, m.net.paramCount(), 2, reps));
            double b = Stats.median(Floor.time(jsc, gen, Floor.Kind.COLLECT, m.net.paramCount(), 2, reps));
            fig.put("lineage_fromarrays_floor_ms", a, "ms", "floor step over Blocks.fromArrays blocks");
            fig.put("lineage_generated_floor_ms", b, "ms", "floor step over blocks built per partition");
        } finally {
            fa.unpersist(true);
            gen.unpersist(true);
        }
    }

    // --------------------------------------------------------------------------------- scale

    private void scale(Model m) {
        long batch = l("scale.batch");
        String mode = modes().get(0);
        fig.section("scale", "epoch time vs N: " + m.key + " batch " + batch + " " + mode);
        List<Long> ns = new ArrayList<>();
        for (String s : cfg.get("scale").split(",")) ns.add(Long.parseLong(s.trim()));
        blocks.unpersist(true); // the last section: room for the largest set
        // Passes over all N; pass 0 only warms up (measured here: epoch times kept falling for
        // minutes, and the first N measured came out 20-30% slower per row). Each N's figure is
        // the median of its passes' medians, so a slow spell of the shared machine (once: every
        // epoch of one N twice as slow for ~17 s, other processes idle) spoils one pass, not the figure.
        int passes = Math.max(1, i("scale.passes"));
        Map<Long, List<Double>> secs = new LinkedHashMap<>();
        Map<Long, List<Double>> passMedians = new LinkedHashMap<>();
        Map<Long, List<Double>> cpu = new LinkedHashMap<>();
        for (int pass = i("scale.warm_pass") > 0 ? -1 : 0; pass < passes; pass++) {
            boolean warm = pass < 0;
            for (long rows : ns) {
                JavaRDD<PackedBlock> data = SyntheticData.blocks(jsc, rows, d, parts, seed);
                try {
                    // every N gets about the same measured time (short epochs are the noisiest): at
                    // least scale.epochs epochs and at least scale.timed_rows rows in all
                    long total = Math.max(i("scale.epochs"), (l("scale.timed_rows") + rows - 1) / rows);
                    int epochs = warm ? 1 : (int) Math.max(1, (total + passes - 1) / passes);
                    RunResult r = calm(() -> fit(data, rows, m, batch, mode.equals("shuffle"), 1, epochs));
                    if (warm) continue;
                    for (double e : r.epochs) secs.computeIfAbsent(rows, k -> new ArrayList<>()).add(e);
                    passMedians.computeIfAbsent(rows, k -> new ArrayList<>()).add(r.epochSeconds);
                    cpu.computeIfAbsent(rows, k -> new ArrayList<>()).add(r.cpuMsPerStep * r.steps / 1e3);
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

    // --------------------------------------------------------------------------------- ratios

    private void ratios(Model lr, Model mp, Model bg) {
        fig.section("ratios", "ratios against the issue's targets");
        for (String mode : modes()) {
            String t = tag(mode);
            fig.note("-- sparktrain " + mode + (mode.equals("shuffle") ? " (reshuffled every epoch, as a DataLoader(shuffle=True))"
                    : " (batches are contiguous row ranges)"));
            fig.ratio("ratio_step_over_floor_logreg_b1024_" + t, "st_logreg_b1024_" + t + "_step_ms",
                    "floor_ms_d" + lr.net.paramCount(), "<= 1.2", 1.2, true,
                    "logistic step at batch 1024 / Spark floor at d=" + lr.net.paramCount());
            fig.ratio("ratio_step_over_runjob_floor_logreg_b1024_" + t, "st_logreg_b1024_" + t + "_step_ms",
                    "floor_runjob_ms_d" + lr.net.paramCount(), "(info)", Double.POSITIVE_INFINITY, true,
                    "logistic step at batch 1024 / floor of SparkBackend's own job path");
            fig.ratio("ratio_step_over_floor_mlp_b1024_" + t, "st_mlp_b1024_" + t + "_step_ms",
                    "floor_ms_d" + mp.net.paramCount(), "<= 1.2", 1.2, true,
                    "MLP step at batch 1024 / Spark floor at d=" + mp.net.paramCount());
            fig.ratio("ratio_mllib_over_st_logreg_b10000_" + t, "mllib_sgd_b10000_epoch_s",
                    "st_logreg_b10000_" + t + "_epoch_s", ">= 4", 4, false,
                    "MLlib runMiniBatchSGD epoch / sparktrain logistic epoch, batch 10k");
            fig.ratio("ratio_mllib_over_st_logreg_full_" + t, "mllib_sgd_full_step_ms",
                    "st_logreg_full_" + t + "_step_ms", ">= 2.5", 2.5, false,
                    "MLlib runMiniBatchSGD full-batch step / sparktrain logistic full-batch step");
            fig.ratio("ratio_mllib_mlp_over_st_mlp_full_" + t, "mllib_mlp_gd_iter_s",
                    "st_mlp_full_" + t + "_epoch_s", ">= 1", 1, false,
                    "MLlib MLP gd pass / sparktrain MLP full-batch step (Adam + clip)");
            String tm = mode.equals("shuffle") ? "shuf" : "contig";
            fig.ratio("ratio_st_over_torch_mlp_b10000_" + t, "st_mlp_b10000_" + t + "_epoch_s",
                    "torch_mlp_f64_b10000_" + tm + "_epoch_s", "<= 1.5", 1.5, true,
                    "sparktrain MLP epoch / PyTorch float64 epoch, batch 10k");
            fig.ratio("ratio_st_over_torch_mlp_b100000_" + t, "st_mlp_b100000_" + t + "_epoch_s",
                    "torch_mlp_f64_b100000_" + tm + "_epoch_s", "<= 1.0", 1.0, true,
                    "sparktrain MLP epoch / PyTorch float64 epoch, batch 100k");
            fig.ratio("ratio_st_over_torch_f32_mlp_b10000_" + t, "st_mlp_b10000_" + t + "_epoch_s",
                    "torch_mlp_f32_b10000_" + tm + "_epoch_s", "(info)", Double.POSITIVE_INFINITY, true,
                    "sparktrain MLP epoch (f64) / PyTorch float32 epoch, batch 10k");
            fig.ratio("ratio_st_over_torch_logreg_b10000_" + t, "st_logreg_b10000_" + t + "_epoch_s",
                    "torch_logreg_f64_b10000_" + tm + "_epoch_s", "(info)", Double.POSITIVE_INFINITY, true,
                    "sparktrain logistic epoch / PyTorch float64 epoch, batch 10k");
            if (fig.has("big_" + t + "_step_ms")) {
                double bound = fig.get("floor_ms_d" + bg.net.paramCount()) + fig.get("big_" + t + "_compute_ms");
                fig.put("big_" + t + "_floor_plus_compute_ms", bound, "ms", "floor at d=" + bg.net.paramCount()
                        + " + compute");
                fig.ratio("ratio_big_step_over_floor_plus_compute_" + t, "big_" + t + "_step_ms",
                        "big_" + t + "_floor_plus_compute_ms", "<= 1.3", 1.3, true,
                        "1M-param step / (floor at its d + its compute)");
            }
        }
        if (fig.has("scale_linearity_dev_pct")) {
            double dev = fig.get("scale_linearity_dev_pct");
            fig.note(String.format(Locale.ROOT, "epoch time linear in N: largest deviation %.1f%%   target <= 15%%: %s",
                    dev, dev <= 15 ? "MET" : "NOT MET"));
        }
        fig.ratio("ratio_fromarrays_over_generated_floor", "lineage_fromarrays_floor_ms", "lineage_generated_floor_ms",
                "(info)", Double.POSITIVE_INFINITY, true, "floor step: Blocks.fromArrays / per-partition blocks");
    }
}
