package dev.sparktrain.train;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One local SparkContext shared by every Spark test in the JVM (start-up costs seconds):
 * {@code local[2]}, or another master for the tests that need one (e.g. {@code local[2,4]}: task
 * retries). Asking for another master stops the current context and starts one with that master.
 */
public final class SparkTestContext {
    public static final String DEFAULT_MASTER = "local[2]";
    /** Two threads, up to 4 attempts per task (failed tasks are retried, as on a cluster). */
    public static final String RETRIES = "local[2,4]";
    private static JavaSparkContext jsc;
    private static boolean hooked;

    private SparkTestContext() {
    }

    public static synchronized JavaSparkContext get() {
        return get(DEFAULT_MASTER);
    }

    public static synchronized JavaSparkContext get(String master) {
        if (jsc != null && (jsc.sc().isStopped() || !jsc.master().equals(master))) {
            jsc.stop();
            jsc = null;
        }
        if (jsc == null) {
            SparkConf conf = new SparkConf().setMaster(master).setAppName("sparktrain-tests")
                    .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                    .set("spark.sql.shuffle.partitions", "4");
            // -Dsparktrain.test.persistentSteps=true: the whole suite with persistent steps (same bits expected)
            String persistent = System.getProperty("sparktrain.test.persistentSteps");
            if (persistent != null) conf.set("spark.sparktrain.persistentSteps", persistent);
            jsc = new JavaSparkContext(conf);
            if (!hooked) {
                Runtime.getRuntime().addShutdownHook(new Thread(SparkTestContext::stop));
                hooked = true;
            }
        }
        return jsc;
    }

    /**
     * Runs {@code body} with these Spark settings (read per run, e.g. {@code spark.sparktrain.reduce})
     * set on the running context's conf, then restores them, so one context serves every variant.
     */
    public static synchronized <T> T withConf(JavaSparkContext jsc, java.util.Map<String, String> settings,
                                              java.util.function.Supplier<T> body) {
        SparkConf live = jsc.sc().conf(); // the context's own conf: jsc.getConf() is a copy
        java.util.Map<String, String> old = new java.util.HashMap<>();
        settings.forEach((k, v) -> {
            old.put(k, live.get(k, null));
            live.set(k, v);
        });
        try {
            return body.get();
        } finally {
            old.forEach((k, v) -> {
                if (v == null) live.remove(k);
                else live.set(k, v);
            });
        }
    }

    private static synchronized void stop() {
        if (jsc != null) jsc.stop();
    }
}
