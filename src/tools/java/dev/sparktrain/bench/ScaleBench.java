package dev.sparktrain.bench;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Sequential;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The scale benchmark (docs/SCALING.md), run by {@code scripts/scale-bench.sh} against a local
 * standalone cluster: for each executor count E (one SparkContext each, E one-core executors),
 * each model kind and size d, the same data trained a few full-batch steps through today's path
 * (partial trees merged on the driver) and the new one (merged on the executors); per step the
 * bytes into and out of the driver, between executors, Spark's message counts, the driver's CPU
 * and the wall time. Then the {@link CostModel} fit and its projections. Keys: {@link #DEFAULTS}.
 */
public final class ScaleBench {
    /** Every key with its full-run default; {@code quick} overrides a few (see {@link #QUICK}). */
    static final Map<String, String> DEFAULTS = new LinkedHashMap<>();
    static final Map<String, String> QUICK = Map.of("executors", "1,2", "sizes", "1e5,1e6");

    static {
        DEFAULTS.put("master", "spark://127.0.0.1:7177");
        DEFAULTS.put("executors", "1,2,4,8");
        DEFAULTS.put("sizes", "1e5,1e6,1e7");
        DEFAULTS.put("models", "mlp,csr");
        DEFAULTS.put("paths", "driver,executors");
        DEFAULTS.put("parts_per_executor", "2");
        DEFAULTS.put("mlp.rows", "1024"); // tasks holding rows: about rows / 512 (full-batch row groups), see SCALING.md
        DEFAULTS.put("csr.rows", "4096");
        DEFAULTS.put("warm", "1");
        DEFAULTS.put("steps", "3");
        // from this d on, one untimed-warm-up-free step per path: a d = 1e7 step takes 30-60 s here
        DEFAULTS.put("large.d", "5e6");
        DEFAULTS.put("large.warm", "0");
        DEFAULTS.put("large.steps", "1");
        DEFAULTS.put("executor.memory", "1200m");
        DEFAULTS.put("jars", "");
        DEFAULTS.put("seed", "42");
        DEFAULTS.put("project", "100:1e7,500:1e8"); // E:d pairs to project to
        DEFAULTS.put("gbit", "10");
        DEFAULTS.put("refit", ""); // a saved output: refit and project from its rows, no cluster (ScaleRefit)
    }

    private ScaleBench() {
    }

    public static void main(String[] args) throws java.io.IOException {
        Map<String, String> k = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> spark = new LinkedHashMap<>();
        boolean quick = List.of(args).contains("quick");
        if (quick) k.putAll(QUICK);
        for (String a : args) {
            if (a.equals("quick")) continue;
            int eq = a.indexOf('=');
            String key = eq > 0 ? a.substring(0, eq) : a;
            if (key.startsWith("spark.")) spark.put(key, a.substring(eq + 1));
            else if (eq > 0 && k.containsKey(key)) k.put(key, a.substring(eq + 1));
            else fail("scale-bench: unknown argument '" + a + "'; keys: " + String.join(", ", DEFAULTS.keySet()) + ", spark.*, quick");
        }
        for (String m : k.get("models").split(",")) {
            if (!m.trim().equals("mlp") && !m.trim().equals("csr")) fail("scale-bench: models: 'mlp' and/or 'csr', got '" + m + "'");
        }
        PrintStream out = System.out;
        out.println("sparktrain scale bench: " + k + (spark.isEmpty() ? "" : " " + spark));
        out.printf(Locale.ROOT, "machine: %d cores, driver heap %.1f GB; every executor is a separate JVM of 1 core%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / 1e9);
        ScaleReport report = new ScaleReport(out);
        int perExecutor = Integer.parseInt(k.get("parts_per_executor"));
        double bytesPerSecond = Double.parseDouble(k.get("gbit")) * 1e9 / 8;
        if (!k.get("refit").isEmpty()) {
            List<ScaleCase.Row> saved = ScaleRefit.rows(java.nio.file.Path.of(k.get("refit")));
            out.println("refit: " + saved.size() + " measured rows read from " + k.get("refit"));
            report.fitAndProject(saved, k.get("project"), bytesPerSecond, perExecutor);
            return;
        }
        List<ScaleCase.Row> rows = new ArrayList<>();
        report.header();
        for (String e : k.get("executors").split(",")) {
            int executors = Integer.parseInt(e.trim());
            try (JavaSparkContext jsc = new JavaSparkContext(conf(k, spark, executors))) {
                jsc.setLogLevel("WARN");
                awaitExecutors(jsc, executors);
                TaskMetricsListener metrics = new TaskMetricsListener();
                jsc.sc().addSparkListener(metrics);
                for (String model : k.get("models").split(",")) {
                    for (String size : k.get("sizes").split(",")) {
                        long d = (long) Double.parseDouble(size.trim());
                        rows.addAll(runConfig(jsc, metrics, k, model.trim(), d, executors, report));
                    }
                }
            }
        }
        report.fitAndProject(rows, k.get("project"), bytesPerSecond, perExecutor);
        if (quick) out.println("quick mode: small sizes to check that the benchmark runs; the fit and projections mean little");
    }

    /** One (model, d) on E executors: generate the data once, then each path on it. */
    private static List<ScaleCase.Row> runConfig(JavaSparkContext jsc, TaskMetricsListener metrics, Map<String, String> k,
                                                 String model, long d, int executors, ScaleReport report) {
        int parts = executors * Integer.parseInt(k.get("parts_per_executor"));
        long rows = Long.parseLong(k.get(model + ".rows"));
        long seed = Long.parseLong(k.get("seed"));
        Sequential net = ScaleCase.net(model, d);
        List<ScaleCase.Row> out = new ArrayList<>();
        JavaRDD<PackedBlock> data;
        try {
            data = ScaleCase.data(jsc, model, net, rows, parts, seed);
        } catch (RuntimeException | OutOfMemoryError e) {
            for (String path : k.get("paths").split(",")) {
                ScaleCase.Row r = new ScaleCase.Row(model, net.paramCount(), executors, parts, rows, path.trim(), Double.NaN,
                        Double.NaN, Double.NaN, null, 0, "data: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                report.row(r);
                out.add(r);
            }
            return out;
        }
        String pre = d >= Double.parseDouble(k.get("large.d")) ? "large." : "";
        int warm = Integer.parseInt(k.get(pre + "warm"));
        int steps = Integer.parseInt(k.get(pre + "steps"));
        try {
            for (String path : k.get("paths").split(",")) {
                System.gc(); // the previous run's vectors are not this one's cost
                ScaleCase.Row r = ScaleCase.run(jsc, metrics, model, executors, data, rows, net, path.trim(), warm,
                        steps, seed);
                report.row(r);
                out.add(r);
            }
        } finally {
            data.unpersist(true);
        }
        return out;
    }

    private static SparkConf conf(Map<String, String> k, Map<String, String> spark, int executors) {
        if (k.get("jars").isEmpty()) fail("scale-bench: jars= (the product and tools jars, for the executors) is required");
        SparkConf c = new SparkConf().setMaster(k.get("master")).setAppName("sparktrain-scale-bench-e" + executors)
                .set("spark.cores.max", String.valueOf(executors)).set("spark.executor.cores", "1")
                .set("spark.executor.memory", k.get("executor.memory")).set("spark.jars", k.get("jars"))
                // today's path at d = 1e7 on 16 tasks returns 1.3 GB: over the default 1g limit
                .set("spark.driver.maxResultSize", "0")
                .set(dev.sparktrain.spark.SparkBackend.PERSISTENT_STEPS_CONF, "false") // bytes and counts of the jobs path (a cluster: auto is off anyway)
                // executors on one host would read each other's shuffle files from disk, hiding the
                // transfer between hosts: fetch them over the (loopback) network as on a cluster
                .set("spark.shuffle.readHostLocalDisk", "false")
                .set("spark.executorEnv.OPENBLAS_NUM_THREADS", "1").set("spark.executorEnv.OMP_NUM_THREADS", "1")
                .set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
                .set("spark.driver.host", System.getenv().getOrDefault("SPARK_LOCAL_IP", "127.0.0.1"));
        spark.forEach(c::set);
        return c;
    }

    /** Spark starts jobs as soon as any executor is up; the counts only mean something with all E. */
    private static void awaitExecutors(JavaSparkContext jsc, int executors) {
        long end = System.currentTimeMillis() + 180_000;
        while (jsc.sc().getExecutorIds().size() < executors) {
            if (System.currentTimeMillis() > end) {
                fail("scale-bench: only " + jsc.sc().getExecutorIds().size() + " of " + executors
                        + " executors registered in 180 s (enough worker cores and memory?)");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SparkTrainException("interrupted");
            }
        }
    }

    private static void fail(String msg) {
        System.err.println(msg);
        System.exit(2);
    }
}
