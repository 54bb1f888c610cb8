package dev.sparktrain.spark.load;

import dev.sparktrain.cli.JobConfig;
import dev.sparktrain.spark.load.DataLoader;
import dev.sparktrain.spark.load.LoadedData;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The one place where a job's {@code data.*} settings become cached blocks: training, evaluate
 * and predict all load through here, so a new data source (format) plugs in once. Whatever the
 * source, the contract is {@link DataLoader#load}'s: validation rows chosen by the seeded hash of
 * the row number, training rows renumbered 0..n-1 in data-set order, standardization (when asked)
 * fitted on the training rows.
 */
public final class DataSources {
    private DataSources() {
    }

    public static LoadedData load(JavaSparkContext jsc, JobConfig cfg) {
        return DataLoader.load(jsc, cfg.data);
    }
}
