package dev.sparktrain.spark.load.source;

import dev.sparktrain.data.DataSettings;
import org.apache.spark.sql.SparkSession;

/** {@code data.format = parquet | orc | json}: any Spark SQL file format, read by its own name. */
final class SqlFormatSource {
    private SqlFormatSource() {
    }

    static DataSource open(DataFiles in, DataSettings s) {
        SparkSession spark = SparkSession.builder().sparkContext(in.jsc().sc()).getOrCreate();
        String format = DataSettings.name(s.format());
        return DatasetSource.read(in, format, s, () -> spark.read().format(format).load(in.path()));
    }
}
