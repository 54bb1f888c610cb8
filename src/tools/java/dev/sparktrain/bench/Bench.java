package dev.sparktrain.bench;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.spark.SparkBackend;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The benchmark: one JVM, one SparkContext, generated data; Spark's floor, sparktrain, MLlib and
 * (figures from bench/pytorch_bench.py) PyTorch on the same shapes, the per-phase cost of a step,
 * and the ratios against the targets of docs/PERFORMANCE.md. Every figure is one human line plus one
 * {@code FIGURE <name> <value> <unit>} line. Run it with {@code ./bench.sh [quick] [key=value ...]}
 * (the keys: {@link BenchSettings}).
 */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        BenchSettings s;
        try {
            s = BenchSettings.parse(args);
        } catch (SparkTrainException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        SparkConf conf = new SparkConf().setMaster(s.master()).setAppName("sparktrain-bench")
                .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
                .set("spark.driver.host", System.getenv().getOrDefault("SPARK_LOCAL_IP", "127.0.0.1"));
        // every figure as before persistent steps (a Spark job per step) unless the key is given;
        // the float32 section measures persistent steps beside them
        conf.set(SparkBackend.PERSISTENT_STEPS_CONF, "false");
        s.sparkConf().forEach(conf::set);
        try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
            jsc.setLogLevel("WARN");
            run(s, jsc, System.out);
        }
    }

    private static void run(BenchSettings s, JavaSparkContext jsc, PrintStream out) throws Exception {
        Figures fig = new Figures(out);
        long n = s.rows();
        int d = s.features();
        int parts = s.partitions() > 0 ? s.partitions() : jsc.defaultParallelism();
        header(s, jsc, out);
        if (!s.torch().isEmpty()) {
            Path p = Path.of(s.torch());
            if (Files.exists(p)) out.println("pytorch figures: " + fig.load(p) + " loaded from " + p);
            else out.println("pytorch figures: " + p + " not found; PyTorch ratios not measured");
        }

        fig.section("data", "data: " + n + " rows x " + d + " features, 2 classes, " + parts + " partitions (generated on the executors)");
        long t0 = System.nanoTime();
        JavaRDD<PackedBlock> blocks = SyntheticData.blocks(jsc, n, d, parts, s.seed());
        fig.put("data_generate_s", (System.nanoTime() - t0) / 1e9, "s", "generate + cache the blocks");
        long cached = SyntheticData.cachedBytes(jsc, blocks.id());
        long raw = 8L * n * d;
        fig.put("cached_bytes", cached, "bytes", "sparktrain blocks: bytes in Spark's block manager");
        fig.put("raw_bytes", raw, "bytes", "N x d x 8 (features as float64)");
        fig.put("cached_over_raw", cached / (double) raw, "x", "cached / (N x d x 8) (labels add 1/d)");
        fig.put("shuffle_order_ms", shuffleOrderMs(n, parts, s.seed()), "ms", "a shuffled epoch's row order for one partition ("
                + n / parts + " rows; PackedBlock.slice, plain Java)");

        Session ss = new Session(s, jsc, fig, out, parts, blocks);
        BenchModel lr = BenchModel.logreg(d);
        BenchModel mp = BenchModel.mlp(d);
        BenchModel bg = BenchModel.big(s.bigModel());
        if (s.section("floor")) FloorSection.floor(ss, lr, mp, bg);
        if (s.section("train")) {
            TrainSection.train(ss, lr);
            TrainSection.train(ss, mp);
        }
        if (s.section("float32")) Float32Section.run(ss, lr, mp);
        if (s.section("probe")) {
            for (BenchSettings.ProbeCase c : s.probe()) {
                ProbeSection.probe(ss, blocks, n, c.model().equals("logreg") ? lr : mp, c.batch(), s.firstMode());
            }
        }
        if (s.section("big")) TrainSection.big(ss, bg);
        if (s.section("mllib")) MllibSection.run(ss);
        if (s.section("lineage")) FloorSection.lineage(ss, lr);
        if (s.section("scale")) TrainSection.scale(ss, s.scaleModel().equals("logreg") ? lr : mp);
        if (s.section("transform")) TransformSection.run(ss);
        RatioReport.print(ss, lr, mp, bg);
        fig.endSection();
        if (s.quick()) {
            out.println("quick mode: tiny sizes to check that the benchmark runs; its figures say nothing about the targets");
        }
    }

    private static void header(BenchSettings s, JavaSparkContext jsc, PrintStream out) {
        Runtime rt = Runtime.getRuntime();
        out.println("sparktrain bench");
        out.printf(Locale.ROOT, "machine: %s, %d cores visible to the JVM, %.1f GB max heap; %s %s; Java %s (%s)%n",
                cpuModel(), rt.availableProcessors(), rt.maxMemory() / 1e9, System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"), System.getProperty("java.vm.name"));
        String blas = dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName();
        boolean nativeBlas = blas.equals("JNIBLAS");
        out.printf(Locale.ROOT, "spark %s, master %s, default parallelism %d%s; BLAS %s (%s; sparktrain and MLlib use the same netlib)%n",
                jsc.version(), jsc.master(), jsc.defaultParallelism(), s.sparkConf().isEmpty() ? "" : ", conf " + s.sparkConf(),
                blas, nativeBlas ? "native, system BLAS via JNI" : "pure-Java fallback");
        out.println("settings: " + s.asText());
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
    private static double shuffleOrderMs(long n, int parts, long seed) {
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
}
