package dev.sparktrain.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trainPrecision param: a float32 fit next to a float64 one, and the param through ML persistence. */
class MlTrainPrecisionTest {
    @TempDir
    Path tmp;

    private static SparkTrainRegressor regressor(String precision) {
        return new SparkTrainRegressor().setLayers("linear(*,16), tanh, linear(16,*)").setOptimizer("SGD").setLr(0.05)
                .setEpochs(5).setBatchSize(100).setStandardize(true).setShuffle(true).setTrainPrecision(precision);
    }

    @Test
    void aFloat32FitIsCloseToTheFloat64FitButNotTheSame() {
        Dataset<Row> data = MlTestData.linearRegression(MlTestData.spark(), 1000, 6, 0.1, 5);
        assertEquals("float64", new SparkTrainRegressor().getTrainPrecision());
        double[] w64 = regressor("float64").fit(data).weights();
        double[] w32 = regressor("float32").fit(data).weights();
        // 50 SGD steps from the same initial weights: each step's gradient in float32 differs from
        // the float64 one by float rounding (relative ~1e-7 per operation), the weights by about that
        // (3.3e-8 at most when written; float64 against itself would give 0)
        double maxDiff = 0;
        for (int i = 0; i < w64.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(w64[i] - w32[i]));
            assertEquals(w64[i], w32[i], 1e-6 * Math.max(1, Math.abs(w64[i])), "weight " + i);
        }
        assertTrue(maxDiff > 0, "float32 and float64 fits gave the same weights: the param did not reach the model");
        assertTrue(maxDiff < 1e-6, "largest difference " + maxDiff);
    }

    @Test
    void theParamIsSavedAndTheLoadedModelScoresInFloat32() throws Exception {
        SparkSession spark = MlTestData.spark();
        Dataset<Row> data = MlTestData.linearRegression(spark, 400, 4, 0.1, 6);
        SparkTrainRegressor reg = regressor("float32").setEpochs(2);
        String estDir = tmp.resolve("estimator").toString();
        reg.write().save(estDir);
        assertEquals("float32", SparkTrainRegressor.load(estDir).getTrainPrecision());

        SparkTrainRegressionModel model = reg.fit(data);
        assertEquals("float32", model.getTrainPrecision());
        String dir = tmp.resolve("model").toString();
        model.write().save(dir);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = new ObjectMapper().readValue(Path.of(dir, "model", "model.json").toFile(), Map.class);
        assertEquals("float32", json.get("precision"));
        SparkTrainRegressionModel loaded = SparkTrainRegressionModel.load(dir);
        assertEquals("float32", loaded.getTrainPrecision());
        // scored in float32 on both sides: the same bits (a float64 forward would differ in the last digits)
        List<Row> rows = data.select("features").collectAsList();
        for (Row r : rows) {
            Vector v = r.getAs(0);
            assertEquals(model.predict(v), loaded.predict(v), 0.0);
        }

        String dir64 = tmp.resolve("model64").toString();
        regressor("float64").setEpochs(1).fit(data).write().save(dir64);
        @SuppressWarnings("unchecked")
        Map<String, Object> json64 = new ObjectMapper().readValue(Path.of(dir64, "model", "model.json").toFile(), Map.class);
        assertNull(json64.get("job"), "a float64 model's model.json is as before");
    }
}
