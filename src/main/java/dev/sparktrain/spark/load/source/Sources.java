package dev.sparktrain.spark.load.source;

import dev.sparktrain.data.DataSettings;
import dev.sparktrain.SparkTrainException;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.Map;

/** The file sources by {@code data.format} name: a new format is one source file and one line here. */
public final class Sources {
    /** Opens a format's source over listed files (reading at most a header or a schema). */
    @FunctionalInterface
    public interface Factory {
        DataSource open(DataFiles files, DataSettings s);
    }

    private static final Map<String, Factory> BY_FORMAT = Map.of(
            "csv", CsvSource::new,
            "libsvm", LibSvmSource::open,
            "parquet", SqlFormatSource::open,
            "orc", SqlFormatSource::open,
            "json", SqlFormatSource::open);

    private Sources() {
    }

    /** The source of {@code path} (the value of setting {@code key}) in {@code s.format()}. */
    public static DataSource open(JavaSparkContext jsc, DataSettings s, String path, String key) {
        String format = DataSettings.name(s.format());
        Factory f = BY_FORMAT.get(format);
        if (f == null) throw new SparkTrainException("data.format: no source for '" + format + "'");
        if (s.weightColumn() != null && format.equals("csv")) {
            throw new SparkTrainException("data.format: sample weights are read from Spark SQL sources (parquet, orc, json, "
                    + "a Dataset), not csv");
        }
        return f.open(DataFiles.list(jsc, path, key), s);
    }
}
