package dev.sparktrain.golden;

import dev.sparktrain.data.DataSettings;
import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.spark.load.DataLoader;
import dev.sparktrain.spark.load.LoadedData;
import dev.sparktrain.train.SparkTestContext;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The weighted golden train cases with one label column, loaded the way the Spark ML estimators
 * load them: a DataFrame (label, features vector, weight) through {@code DataLoader} with a weight
 * column, in 1 and 3 input partitions, then the Spark backend at the train tolerance.
 */
class WeightedDatasetGoldenTest {

    @TestFactory
    Stream<DynamicTest> weightedCasesFromADataFrame() {
        List<Map<String, Object>> cases = Golden.files(ExtraGoldenTest.dir()).stream().map(Golden::read)
                .filter(c -> "train".equals(c.get("kind")) && c.get("w") != null)
                .filter(c -> new TrainCase(c).targetWidth == 1)
                .toList();
        assertFalse(cases.isEmpty(), "no weighted train cases with one label column in " + ExtraGoldenTest.dir());
        return cases.stream().flatMap(c -> Stream.of(1, 3)
                .map(p -> DynamicTest.dynamicTest(c.get("id") + " partitions=" + p, () -> run(c, p))));
    }

    private static void run(Map<String, Object> c, int partitions) {
        TrainCase tc = new TrainCase(c);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < tc.rows(); i++) {
            double[] x = Arrays.copyOfRange(tc.x, i * tc.features, (i + 1) * tc.features);
            rows.add(RowFactory.create(tc.y[i], Vectors.dense(x), tc.w[i]));
        }
        StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", new VectorUDT())
                .add("weight", DataTypes.DoubleType);
        SparkSession spark = SparkSession.builder().sparkContext(SparkTestContext.get().sc()).getOrCreate();
        // input partitions in row order: the data-set order is the rows' order
        Dataset<Row> df = spark.createDataFrame(SparkTestContext.get().parallelize(rows, partitions), schema);
        int batch = ((Number) c.get("batch_size")).intValue();
        DataSettings s = DataSettings.builder(null, tc.features).labelColumn("label").featureColumns(List.of("features"))
                .weightColumn("weight").classes(((Number) c.get("classes")).intValue()).partitions(partitions)
                .summedFor(batch).build();
        LoadedData data = DataLoader.load(df, null, s);
        try (SparkBackend backend = new SparkBackend(SparkTestContext.get(), data.train(), null, tc.model, tc.loss, batch)) {
            tc.runAndCheck(backend, "DataFrame with a weight column, " + partitions + " partitions");
        } finally {
            data.train().unpersist(false);
        }
    }
}
