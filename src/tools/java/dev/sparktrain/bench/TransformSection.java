package dev.sparktrain.bench;

import dev.sparktrain.ml.SparkTrainClassificationModel;
import dev.sparktrain.ml.SparkTrainClassifier;
import dev.sparktrain.config.Options;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.Locale;
import java.util.function.Function;

/**
 * The {@code transform} section: rows/s of the Spark ML classifier's {@code transform}, Spark's
 * per-row UDF path ({@code transformRowByRow}) against the batched one (chunks through the batch
 * kernel), on the bench's N rows in two shapes: digits-sized (64 features, the default job's MLP
 * 64->128->10) and the bench's own d features (its MLP d->64->2). Every output column is
 * materialized (Spark's {@code noop} sink), nothing is cached in between.
 */
final class TransformSection {
    static volatile double blackhole;

    private TransformSection() {
    }

    static void run(Session ss) {
        ss.fig().section("transform", "Spark ML transform: row by row (Spark's UDFs) vs batched (chunks through the kernel)");
        SparkSession spark = SparkSession.builder().sparkContext(ss.jsc().sc()).getOrCreate();
        measure(ss, spark, "digits", 64, "linear(*,128), relu, linear(128,10)");
        measure(ss, spark, "data", ss.d(), "linear(*,64), relu, linear(64,2)");
    }

    private static void measure(Session ss, SparkSession spark, String tag, int d, String layers) {
        Figures fig = ss.fig();
        Dataset<Row> df = SyntheticData.mlFrame(spark, d == ss.d() ? ss.blocks()
                : SyntheticData.blocks(ss.jsc(), ss.n(), d, ss.parts(), ss.seed()));
        try {
            // one short epoch: the weights' values do not change the cost of scoring
            SparkTrainClassificationModel model = new SparkTrainClassifier().setLayers(layers).setEpochs(1)
                    .setBatchSize(10_000).fit(df);
            String what = String.format(Locale.ROOT, "%d rows x %d features, %s", ss.n(), d, model.layersSpec());
            double rowwise = rowsPerSecond(ss, df, model::transformRowByRow);
            fig.put("transform_rows_per_s_rowwise_" + tag, rowwise, "rows/s", "row by row: " + what);
            double batched = rowsPerSecond(ss, df, model::transform);
            fig.put("transform_rows_per_s_batched_" + tag, batched, "rows/s", "batched:    " + what);
            // the ceilings: the same rows written untouched, and through an identity mapPartitions
            // with Spark's Row encoder (each row deserialized and serialized again, as the batched
            // transform must through the public Dataset API)
            double passThrough = rowsPerSecond(ss, df, x -> x);
            fig.put("transform_rows_per_s_floor_pass_" + tag, passThrough, "rows/s", "no model, rows written as read");
            double rowTrip = rowsPerSecond(ss, df, TransformSection::identityRows);
            fig.put("transform_rows_per_s_floor_rows_" + tag, rowTrip, "rows/s", "no model, identity mapPartitions (Row encoder)");
            double kernel = kernelRowsPerSecond(ss, model.layersSpec());
            fig.put("transform_rows_per_s_kernel_" + tag, kernel, "rows/s", "the batch kernel's forward alone, one thread, chunks of "
                    + BatchKernel.CHUNK + " rows");
            fig.ratio("transform_speedup_" + tag, "transform_rows_per_s_batched_" + tag, "transform_rows_per_s_rowwise_" + tag,
                    ">= 10x", 10, false, "batched / row by row (" + tag + ")");
        } finally {
            df.unpersist();
        }
    }

    /**
     * Rows/s of one full pass writing every column to Spark's noop sink, after three warm-up
     * passes: with one, the batched paths measured 0.5-0.8x of their warm speed (the JIT had not
     * finished with the kernel and Spark's generated code).
     */
    private static double rowsPerSecond(Session ss, Dataset<Row> df, Function<Dataset<Row>, Dataset<Row>> transform) {
        for (int warm = 0; warm < 3; warm++) write(transform.apply(df));
        return ss.calm(() -> {
            long t0 = System.nanoTime();
            write(transform.apply(df));
            return ss.n() / ((System.nanoTime() - t0) / 1e9);
        });
    }

    /**
     * Rows/s of {@link BatchKernel#forward} alone on {@code spec}'s model, one thread, the bench's
     * N rows in chunks as the batched transform scores them (best of three passes after one):
     * the arithmetic every path pays, with no Spark at all.
     */
    private static double kernelRowsPerSecond(Session ss, String spec) {
        Sequential net = Sequential.parse(spec, "transform bench");
        BatchKernel kernel = new BatchKernel(net, Losses.create("CrossEntropyLoss", Options.empty("loss"), net.outFeatures()));
        int d = net.inFeatures();
        int rows = (int) Math.min(ss.n(), 100_000);
        double[] x = new double[rows * d];
        SyntheticData.fill(ss.seed(), d, 0, rows, x, new double[rows]);
        double[] params = net.initParams(ss.seed());
        double best = 0;
        double sink = 0;
        for (int pass = 0; pass < 4; pass++) {
            long t0 = System.nanoTime();
            for (int r = 0; r < rows; r += BatchKernel.CHUNK) sink += kernel.forward(params, x, r * d, Math.min(BatchKernel.CHUNK, rows - r))[0];
            if (pass > 0) best = Math.max(best, rows / ((System.nanoTime() - t0) / 1e9));
        }
        blackhole = sink; // the passes' outputs are used: not dead code to the JIT
        return best;
    }

    private static Dataset<Row> identityRows(Dataset<Row> df) {
        return df.mapPartitions((org.apache.spark.api.java.function.MapPartitionsFunction<Row, Row>) it -> it,
                org.apache.spark.sql.Encoders.row(df.schema()));
    }

    private static void write(Dataset<Row> scored) {
        scored.write().format("noop").mode("overwrite").save();
    }
}
