package dev.sparktrain.spark.load.source;

import dev.sparktrain.data.DataSettings;
import org.apache.spark.sql.SparkSession;

import java.util.List;

/**
 * {@code data.format = libsvm}: Spark's LibSVM reader, told {@code data.features} (so it need
 * not scan for the largest index); its columns are always {@code label} and {@code features}.
 */
final class LibSvmSource {
    private LibSvmSource() {
    }

    static DataSource open(DataFiles in, DataSettings s) {
        SparkSession spark = SparkSession.builder().sparkContext(in.jsc().sc()).getOrCreate();
        DataSettings columns = s.toBuilder().labelColumn("label").featureColumns(List.of("features")).build();
        return DatasetSource.read(in, "libsvm", columns, () -> spark.read().format("libsvm")
                .option("numFeatures", String.valueOf(s.features())).load(in.path()));
    }
}
