package dev.sparktrain.spark.load;

import dev.sparktrain.data.DataSettings;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.spark.load.source.DataSource;
import dev.sparktrain.spark.load.source.DatasetSource;
import dev.sparktrain.spark.load.source.LabeledPointSource;
import dev.sparktrain.spark.load.source.Sources;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.regression.LabeledPoint;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Loads a data set from any {@link DataSource} into cached {@link PackedBlock}s, ONE block per
 * partition holding contiguous global rows, in three steps:
 * <ol>
 *   <li><b>Stage</b> ({@link DataSource#stage}): each input partition parses and validates its
 *       rows and packs them into one block, remembering which file split ("run") each row came
 *       from. Only this step reads the source.</li>
 *   <li><b>Number</b> ({@link RowNumbering}): rows are numbered in data-set order, the same
 *       however Spark split the files; validation rows are chosen by a seeded hash of that
 *       number.</li>
 *   <li><b>Pack</b> ({@link Packer}): each target partition gets one block of its row range.
 *       Cached MEMORY_ONLY.</li>
 * </ol>
 * Optional standardization follows ({@link Standardization}).
 */
public final class DataLoader {
    private DataLoader() {
    }

    /** Reads {@code s.path()} (and {@code s.validationPath()}) in {@code s.format()}. */
    public static LoadedData load(JavaSparkContext jsc, DataSettings s) {
        if (s.path() == null) throw new SparkTrainException("data.path: required");
        DataSource train = Sources.open(jsc, s, s.path(), "data.path");
        DataSource val = s.validationPath() == null ? null : Sources.open(jsc, s, s.validationPath(), "data.validation_path");
        return load(jsc, train, val, s);
    }

    /** From Java: rows of a DataFrame (columns as in the job file's keys), validation optional. */
    public static LoadedData load(Dataset<Row> train, Dataset<Row> validation, DataSettings s) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(train.sparkSession().sparkContext());
        DataSource t = DatasetSource.of(train, "the training Dataset", s);
        DataSource v = validation == null ? null : DatasetSource.of(validation, "the validation Dataset", s);
        return load(jsc, t, v, s);
    }

    /** From Java: MLlib {@code LabeledPoint}s (label, features vector), validation optional. */
    public static LoadedData loadLabeledPoints(JavaRDD<LabeledPoint> train, JavaRDD<LabeledPoint> validation, DataSettings s) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(train.context());
        DataSource t = LabeledPointSource.of(train, "the training Dataset", s);
        DataSource v = validation == null ? null : LabeledPointSource.of(validation, "the validation Dataset", s);
        return load(jsc, t, v, s);
    }

    /** Any source, validation optional; {@code s} supplies everything but where to read. */
    public static LoadedData load(JavaSparkContext jsc, DataSource train, DataSource validation, DataSettings s) {
        return LoadPipeline.run(jsc, train, validation, s);
    }
}
