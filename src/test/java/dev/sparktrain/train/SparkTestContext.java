package dev.sparktrain.train;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/** One local[2] SparkContext shared by every Spark test in the JVM (start-up costs seconds). */
public final class SparkTestContext {
    private static JavaSparkContext jsc;

    private SparkTestContext() {
    }

    public static synchronized JavaSparkContext get() {
        if (jsc == null) {
            SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("sparktrain-tests")
                    .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                    .set("spark.sql.shuffle.partitions", "4");
            jsc = new JavaSparkContext(conf);
            Runtime.getRuntime().addShutdownHook(new Thread(jsc::stop));
        }
        return jsc;
    }
}
