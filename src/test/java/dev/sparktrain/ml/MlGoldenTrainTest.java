package dev.sparktrain.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparktrain.golden.Exclusions;
import dev.sparktrain.golden.Golden;
import dev.sparktrain.golden.LayerJson;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.train.EpochStats;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The golden train cases that start from sparktrain's own initial weights for their
 * {@code init_seed} (real PyTorch: tools/golden/gen_train_weighted.py, with weightCol, and
 * gen_train_losses.py, the losses and their options through lossOptions, labels equal to
 * ignore_index included) through the estimators: {@code setSeed(init_seed)} replays them; epoch
 * losses and the final weights are compared at the train tolerance. Cases with one label column
 * (classes, or one regression output), 3 partitions; the documented exclusions skip.
 */
class MlGoldenTrainTest {
    private static final double RTOL = 1e-7;
    private static final double ATOL = 1e-9;
    /** Float32 cases (trainPrecision float32): the golden runners' tolerances, justified in Float32GoldenTest. */
    private static final double F32_LOSS_RTOL = 2e-5;
    private static final double F32_PARAM_RTOL = 3e-6;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final StructType SCHEMA = new StructType().add("label", DataTypes.DoubleType)
            .add("features", new VectorUDT()).add("weight", DataTypes.DoubleType);

    @TestFactory
    Stream<DynamicTest> seededCasesThroughTheEstimators() {
        List<Map<String, Object>> cases = Golden.files(Golden.extraDir()).stream().map(Golden::read)
                .filter(c -> "train".equals(c.get("kind")) && c.get("init_seed") != null)
                .filter(c -> !(Golden.list(c.get("y")).get(0) instanceof List<?> row) || row.size() == 1)
                .filter(c -> Exclusions.reason(c) == null)
                .toList();
        assertFalse(cases.stream().noneMatch(c -> c.get("w") != null), "no weighted train cases with one label column in "
                + Golden.extraDir());
        assertFalse(cases.stream().noneMatch(c -> c.get("w") == null), "no unweighted (loss) train cases with one label "
                + "column in " + Golden.extraDir());
        return cases.stream().map(c -> DynamicTest.dynamicTest((String) c.get("id"), () -> run(c)));
    }

    private static void run(Map<String, Object> c) {
        String id = (String) c.get("id");
        String layers = layers(c);
        long seed = ((Number) c.get("init_seed")).longValue();
        boolean f32 = "float32".equals(c.get("dtype"));
        double[] init = Sequential.parse(layers, id).initParams(seed);
        if (f32) for (int i = 0; i < init.length; i++) init[i] = (float) init[i]; // PyTorch's float32 model holds them rounded
        assertArrayEquals(Golden.doubles(c.get("params0")), init, 0.0, id + ": params0 is sparktrain's initParams(init_seed)");
        Map<String, Object> loss = Golden.map(c.get("loss"));
        Map<String, Object> opt = Golden.map(c.get("optimizer"));
        boolean classifier = ((Number) c.get("classes")).intValue() > 0 || "BCEWithLogitsLoss".equals(loss.get("name"));
        SparkTrainSetters<?> est = classifier ? new SparkTrainClassifier() : new SparkTrainRegressor();
        est.setLayers(layers).setLoss((String) loss.get("name")).setLossOptions(json(loss.get("options")))
                .setOptimizer((String) opt.get("name")).setOptimizerOptions(json(opt.get("options")))
                .setBatchSize(((Number) c.get("batch_size")).intValue()).setEpochs(((Number) c.get("epochs")).intValue())
                .setSeed(seed).setShuffle(false).setNumPartitions(3);
        if (f32) est.setTrainPrecision("float32");
        if (c.get("w") != null) est.setWeightCol("weight");
        Dataset<Row> df = frame(c);
        List<EpochStats> history;
        double[] weights;
        if (est instanceof SparkTrainClassifier clf) {
            SparkTrainClassificationModel m = clf.fit(df);
            history = m.trainingHistory();
            weights = m.weights();
        } else {
            SparkTrainRegressionModel m = ((SparkTrainRegressor) est).fit(df);
            history = m.trainingHistory();
            weights = m.weights();
        }
        double[] epochLoss = Golden.doubles(c.get("epoch_loss"));
        for (int e = 0; e < epochLoss.length; e++) {
            Golden.assertClose(epochLoss[e], history.get(e).trainLoss(), f32 ? F32_LOSS_RTOL : RTOL, f32 ? 0 : ATOL,
                    id + " [estimator] epoch_loss[" + e + "]");
        }
        double[][] perEpoch = Golden.matrix(c.get("params_per_epoch"));
        double[] last = perEpoch[perEpoch.length - 1];
        double largest = 0;
        for (double v : last) largest = Math.max(largest, Math.abs(v));
        Golden.assertClose(last, weights, f32 ? 0 : RTOL, f32 ? F32_PARAM_RTOL * largest : ATOL, id + " [estimator] final weights");
    }

    /** The case's layers in the layer syntax, through the golden runners' one JSON-to-spec mapping. */
    private static String layers(Map<String, Object> c) {
        return LayerJson.spec(Golden.list(c.get("model")), (String) c.get("id"));
    }

    private static Dataset<Row> frame(Map<String, Object> c) {
        double[][] x = Golden.matrix(c.get("x"));
        List<Object> y = Golden.list(c.get("y"));
        double[] w = c.get("w") == null ? null : Golden.doubles(c.get("w"));
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            Object yi = y.get(i) instanceof List<?> row ? row.get(0) : y.get(i);
            rows.add(RowFactory.create(Golden.num(yi), Vectors.dense(x[i]), w == null ? 1.0 : w[i]));
        }
        return MlTestData.spark().createDataFrame(rows, SCHEMA).coalesce(1);
    }

    private static String json(Object options) {
        try {
            return JSON.writeValueAsString(options == null ? Map.of() : options);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
