package dev.sparktrain.spark.load;

import dev.sparktrain.data.DataSettings;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.Synthetic;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.SparkTestContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.regression.LabeledPoint;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every source type on a small generated data set: the rows come back exactly, in the
 * generator's order, whatever the input's file/partition layout, and a softmax model learns them.
 */
class DataSourcesTest {
    static final int N = 600;
    static final int D = 6;
    static final int K = 3;
    static final Synthetic SPEC = new Synthetic(N, D, K, 1.0, 7, 0.05);
    static double[][] expected;

    @TempDir
    static Path dir;

    static JavaSparkContext jsc() {
        return SparkTestContext.get();
    }

    @BeforeAll
    static void expectedRows() {
        expected = SPEC.denseRows(0, N);
    }

    private static String write(String format, String layout, int partitions) {
        String out = dir.resolve(format + "-" + layout + "-" + partitions).toString();
        SyntheticWriter.write(jsc(), SPEC, partitions, format, layout, out, false);
        return out;
    }

    private static DataSettings.Builder settings(String path, DataSettings.Format f) {
        return DataSettings.builder(path, D).format(f).classes(K).partitions(3).validationFraction(0);
    }

    /** Loads, checks every row against the generator (exactly, in order), trains, returns the accuracy. */
    private static double checkAndTrain(DataSettings s, double[] ex, double[] ey) {
        LoadedData d = DataLoader.load(jsc(), s);
        try {
            assertEquals(N, d.trainRows());
            double[][] got = DataTestSupport.rows(d.train());
            assertArrayEquals(ex, got[0], 1e-6 * (s.precision() == PackedBlock.Precision.FLOAT32 ? 1 : 0), "features");
            assertArrayEquals(ey, got[1], "labels");
            Sequential m = Sequential.parse("linear(" + D + "," + K + ")", "t");
            List<EpochStats> h = DataTestSupport.train(d, m, m.initParams(1), "CrossEntropyLoss", 6, 100, true, 0.1);
            double acc = h.get(h.size() - 1).trainAccuracy();
            assertTrue(acc > 0.9, "train accuracy " + acc);
            return acc;
        } finally {
            DataTestSupport.release(d);
        }
    }

    @Test
    void parquetWithVectorColumnInGeneratorOrder() {
        checkAndTrain(settings(write("parquet", "vector", 4), DataSettings.Format.PARQUET).build(), expected[0], expected[1]);
    }

    @Test
    void parquetWithNumericColumns() {
        checkAndTrain(settings(write("parquet", "columns", 2), DataSettings.Format.PARQUET).build(), expected[0], expected[1]);
    }

    @Test
    void orcWithVectorColumn() {
        checkAndTrain(settings(write("orc", "vector", 3), DataSettings.Format.ORC).build(), expected[0], expected[1]);
    }

    @Test
    void jsonWithVectorStructAndWithColumns() {
        checkAndTrain(settings(write("json", "vector", 2), DataSettings.Format.JSON).build(), expected[0], expected[1]);
        checkAndTrain(settings(write("json", "columns", 2), DataSettings.Format.JSON).build(), expected[0], expected[1]);
    }

    @Test
    void libsvmIsSparseByDefault() {
        DataSettings s = settings(write("libsvm", "vector", 3), DataSettings.Format.LIBSVM).build();
        assertEquals(PackedBlock.Storage.SPARSE, s.storage());
        checkAndTrain(s, expected[0], expected[1]);
    }

    @Test
    void csvWithHeaderLabelByNameAndEveryOtherColumn() {
        String path = write("csv", "columns", 3);
        checkAndTrain(settings(path, DataSettings.Format.CSV).header(true).labelColumn("label").build(), expected[0], expected[1]);
    }

    @Test
    void csvWithHeaderAndListedFeatureColumns() {
        String path = write("csv", "columns", 1);
        // Features in another order: f5 .. f0.
        List<String> cols = new ArrayList<>();
        for (int j = D - 1; j >= 0; j--) cols.add("f" + j);
        double[] ex = new double[N * D];
        for (int r = 0; r < N; r++) for (int j = 0; j < D; j++) ex[r * D + j] = expected[0][r * D + (D - 1 - j)];
        checkAndTrain(settings(path, DataSettings.Format.CSV).header(true).labelColumn("label").featureColumns(cols).build(),
                ex, expected[1]);
    }

    @Test
    void datasetFromJava() {
        Dataset<Row> df = SyntheticWriter.dataset(jsc(), SPEC, 3, true);
        LoadedData d = DataLoader.load(df, null, DataSettings.builder(null, D).classes(K).partitions(2).build());
        try {
            double[][] got = DataTestSupport.rows(d.train());
            assertArrayEquals(expected[0], got[0]);
            assertArrayEquals(expected[1], got[1]);
        } finally {
            DataTestSupport.release(d);
        }
    }

    @Test
    void labeledPointsFromJavaWithStringFreeNumericLabelMapping() {
        List<LabeledPoint> pts = new ArrayList<>();
        for (int r = 0; r < N; r++) {
            double[] x = java.util.Arrays.copyOfRange(expected[0], r * D, r * D + D);
            pts.add(new LabeledPoint(expected[1][r] * 2 - 1, Vectors.dense(x)));   // labels -1, 1, 3
        }
        DataSettings s = DataSettings.builder(null, D).labelNames(List.of("-1", "1", "3")).classes(K).partitions(2).build();
        LoadedData d = DataLoader.loadLabeledPoints(jsc().parallelize(pts, 3), null, s);
        try {
            double[][] got = DataTestSupport.rows(d.train());
            assertArrayEquals(expected[0], got[0]);
            assertArrayEquals(expected[1], got[1]);
            assertEquals(List.of("-1", "1", "3"), d.labels().names());
        } finally {
            DataTestSupport.release(d);
        }
    }

    @Test
    void stringLabelsMappedInSortedOrder() {
        Dataset<Row> df = SyntheticWriter.dataset(jsc(), SPEC, 2, true)
                .withColumn("label", functions.element_at(functions.array(functions.lit("cat"), functions.lit("dog"), functions.lit("emu")),
                        functions.col("label").cast("int").plus(1)));
        LoadedData d = DataLoader.load(df, null, DataSettings.builder(null, D).autoLabels().classes(K).partitions(2).build());
        try {
            assertNotNull(d.labels());
            assertEquals(List.of("cat", "dog", "emu"), d.labels().names());
            assertArrayEquals(expected[1], DataTestSupport.rows(d.train())[1]);
        } finally {
            DataTestSupport.release(d);
        }
    }

    @Test
    void regressionLabelsAreRealValues() {
        Synthetic reg = new Synthetic(300, 4, 0, 1.0, 3, 0.01);
        String out = dir.resolve("reg").toString();
        SyntheticWriter.write(jsc(), reg, 2, "parquet", "vector", out, false);
        LoadedData d = DataLoader.load(jsc(), DataSettings.builder(out, 4).format(DataSettings.Format.PARQUET).partitions(2).build());
        try {
            assertNull(d.labels());
            double[][] ex = reg.denseRows(0, 300);
            assertArrayEquals(ex[1], DataTestSupport.rows(d.train())[1]);
            Sequential m = Sequential.parse("linear(4,1)", "t");
            List<EpochStats> h = DataTestSupport.train(d, m, m.initParams(1), "MSELoss", 10, 60, true, 0.1);
            assertTrue(h.get(h.size() - 1).trainLoss() < 0.01, "mse " + h.get(h.size() - 1).trainLoss());
        } finally {
            DataTestSupport.release(d);
        }
    }
}
