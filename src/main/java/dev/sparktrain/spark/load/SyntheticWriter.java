package dev.sparktrain.spark.load;

import dev.sparktrain.data.Synthetic;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.spark.Spark;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Writes a {@link Synthetic} data set with Spark: partition p makes rows
 * [p·n/P, (p+1)·n/P) itself (nothing is collected on the driver) and writes one file.
 * Layouts: {@code vector} = columns {@code label} and {@code features} (an ML Vector: dense when
 * density is 1, sparse otherwise); {@code columns} = numeric columns {@code f0..f(d-1)} then
 * {@code label}. LibSVM is always a vector; CSV (with a header) always columns.
 */
public final class SyntheticWriter {
    private SyntheticWriter() {
    }

    private static boolean exists(JavaSparkContext jsc, String path) {
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
            return p.getFileSystem(jsc.hadoopConfiguration()).exists(p);
        } catch (java.io.IOException | IllegalArgumentException e) {
            throw new SparkTrainException("generate: output " + path + ": " + e.getMessage(), e);
        }
    }

    /** The formats {@code generate} writes. */
    public static final List<String> FORMATS = List.of("parquet", "libsvm", "csv", "orc", "json");

    /** The generated rows as a DataFrame of {@code partitions} partitions. */
    public static Dataset<Row> dataset(JavaSparkContext jsc, Synthetic spec, int partitions, boolean vectorLayout) {
        SparkSession spark = SparkSession.builder().sparkContext(jsc.sc()).getOrCreate();
        int d = spec.features();
        StructType schema;
        if (vectorLayout) {
            schema = new StructType().add("label", DataTypes.DoubleType, false)
                    .add("features", new org.apache.spark.ml.linalg.VectorUDT(), false);
        } else {
            schema = new StructType();
            for (int j = 0; j < d; j++) schema = schema.add("f" + j, DataTypes.DoubleType, false);
            schema = schema.add("label", DataTypes.DoubleType, false);
        }
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < partitions; p++) ids.add(p);
        long n = spec.rows();
        JavaRDD<Row> rows = jsc.parallelize(ids, partitions).mapPartitionsWithIndex((p, ignored) -> {
            long from = n * p / partitions;
            long to = n * (p + 1) / partitions;
            return new Iterator<Row>() {
                long i = from;

                @Override
                public boolean hasNext() {
                    return i < to;
                }

                @Override
                public Row next() {
                    if (i >= to) throw new NoSuchElementException();
                    Synthetic.Sample s = spec.row(i++);
                    if (vectorLayout) {
                        return RowFactory.create(s.label(), spec.dense()
                                ? Vectors.dense(s.values()) : Vectors.sparse(d, s.indices(), s.values()));
                    }
                    Object[] v = new Object[d + 1];
                    double[] x = s.dense(d);
                    for (int j = 0; j < d; j++) v[j] = x[j];
                    v[d] = s.label();
                    return RowFactory.create(v);
                }
            };
        }, true);
        return spark.createDataFrame(rows, schema);
    }

    /** Writes the data set to {@code output} in {@code format}; refuses an existing output unless {@code overwrite}. */
    public static void write(JavaSparkContext jsc, Synthetic spec, int partitions, String format, String layout,
                             String output, boolean overwrite) {
        if (!FORMATS.contains(format)) {
            throw new SparkTrainException("generate: format must be one of " + String.join(", ", FORMATS) + ", got '" + format + "'");
        }
        boolean vector = switch (format) {
            case "libsvm" -> true;
            case "csv" -> false;
            default -> !layout.equals("columns");
        };
        if (!layout.equals("vector") && !layout.equals("columns")) {
            throw new SparkTrainException("generate: layout must be vector or columns, got '" + layout + "'");
        }
        if (partitions < 1) throw new SparkTrainException("generate: partitions must be >= 1, got " + partitions);
        Dataset<Row> df = dataset(jsc, spec, partitions, vector);
        if (!overwrite && exists(jsc, output)) {
            throw new SparkTrainException("generate: output " + output + " already exists; add overwrite=true to replace it");
        }
        Spark.call("writing " + output, () -> {
            var w = df.write().mode(overwrite ? SaveMode.Overwrite : SaveMode.ErrorIfExists);
            if (format.equals("csv")) w = w.option("header", "true");
            w.format(format).save(output);
            return null;
        });
    }
}
