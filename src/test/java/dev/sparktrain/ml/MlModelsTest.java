package dev.sparktrain.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparktrain.optim.ParamGroup;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sparse vectors, the regressor, the single-logit classifier, and refusals at fit time. */
class MlModelsTest {
    @TempDir
    Path tmp;

    @Test
    void sparseVectorsTrainAsCsrAndScoreLikeTheirDenseForm() throws Exception {
        SparkSession spark = MlTestData.spark();
        Dataset<Row> data = MlTestData.sparseClasses(spark, 1200, 300, 12, 3, 5);
        SparkTrainClassifier clf = new SparkTrainClassifier().setLayers("linear(*,16), tanh, linear(16,*)")
                .setOptimizer("Adam").setLr(0.02).setEpochs(8).setBatchSize(100).setStandardize(true);
        SparkTrainClassificationModel model = clf.fit(data);
        assertEquals(3, model.numClasses());
        assertEquals(300, model.numFeatures());

        String dir = tmp.resolve("sparse-model").toString();
        model.save(dir);
        @SuppressWarnings("unchecked")
        Map<String, Object> json = new ObjectMapper().readValue(Path.of(dir, "model", "model.json").toFile(), Map.class);
        assertEquals("sparse float64", json.get("storage"), "auto storage kept the rows as CSR");
        assertEquals(Boolean.FALSE, ((Map<?, ?>) json.get("standardize")).get("centered"), "sparse: scaled, not centred");

        Dataset<Row> scored = model.transform(data);
        double acc = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
        assertTrue(acc > 0.8, "training accuracy " + acc);

        // the same rows as dense vectors: same outputs (CSR and dense kernels sum in another order)
        List<Row> sparseOut = scored.select("features", "probability", "prediction").collectAsList();
        List<Row> denseRows = new ArrayList<>();
        for (Row r : sparseOut) denseRows.add(RowFactory.create(0.0, ((Vector) r.get(0)).toDense()));
        List<Row> denseOut = model.transform(spark.createDataFrame(denseRows, MlTestData.LABELED))
                .select("features", "probability", "prediction").collectAsList();
        assertTrue(sparseOut.get(0).get(0) instanceof SparseVector);
        for (int i = 0; i < sparseOut.size(); i++) {
            assertArrayEquals(((Vector) sparseOut.get(i).get(1)).toArray(), ((Vector) denseOut.get(i).get(1)).toArray(), 1e-12);
            assertEquals(sparseOut.get(i).getDouble(2), denseOut.get(i).getDouble(2));
        }
        SparkTrainClassificationModel loaded = SparkTrainClassificationModel.load(dir);
        Vector v = (Vector) sparseOut.get(3).get(0);
        assertArrayEquals(model.predictProbability(v).toArray(), loaded.predictProbability(v).toArray(), 0.0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.predictRaw(Vectors.dense(1, 2)));
        assertTrue(e.getMessage().contains("a feature vector of size 2; the model was trained on 300 features"), e.getMessage());
    }

    @Test
    void regressorRmseIsAtTheNoiseLevel() throws Exception {
        SparkSession spark = MlTestData.spark();
        double noise = 0.1;
        Dataset<Row>[] split = MlTestData.linearRegression(spark, 2000, 5, noise, 11).randomSplit(new double[] {0.8, 0.2}, 3);
        SparkTrainRegressor reg = new SparkTrainRegressor().setLayers("linear(*,*)").setStandardize(true)
                .setOptimizer("Adam").setLr(0.05).setScheduler("CosineAnnealingLR").setSchedulerOptions("T_max=15")
                .setEpochs(15).setBatchSize(100);
        SparkTrainRegressionModel model = reg.fit(split[0]);
        Dataset<Row> scored = model.transform(split[1]);
        double rmse = new RegressionEvaluator().setMetricName("rmse").evaluate(scored);
        // The best possible predictor's RMSE is the noise's std; a fitted linear model with 6
        // parameters on 1600 rows adds ~sqrt(6/1600) of it. Allow 25% above the noise, and
        // nothing below 80% of it (that would mean the test rows leaked into training).
        assertTrue(rmse < 1.25 * noise && rmse > 0.8 * noise, "test RMSE " + rmse + " vs noise " + noise);
        assertEquals(15, model.trainingHistory().size());

        String dir = tmp.resolve("regressor").toString();
        model.write().overwrite().save(dir);
        SparkTrainRegressionModel loaded = SparkTrainRegressionModel.load(dir);
        List<Row> a = scored.select("prediction").collectAsList();
        List<Row> b = loaded.transform(split[1]).select("prediction").collectAsList();
        for (int i = 0; i < a.size(); i++) assertEquals(a.get(i).getDouble(0), b.get(i).getDouble(0), 0.0);
        assertEquals(reg.uid(), loaded.uid());
        assertEquals("CosineAnnealingLR", loaded.getScheduler());
    }

    @Test
    void singleLogitClassifierGivesBinaryProbabilities() {
        SparkSession spark = MlTestData.spark();
        Dataset<Row> data = MlTestData.sparseClasses(spark, 400, 20, 20, 2, 9);
        SparkTrainClassificationModel m = new SparkTrainClassifier().setLoss("BCEWithLogitsLoss").setLayers("linear(*,*)")
                .setLr(0.05).setEpochs(5).setStorage("dense").fit(data);
        assertEquals(2, m.numClasses());
        Row r = m.transform(data).select("rawPrediction", "probability", "prediction").head();
        double[] raw = ((Vector) r.get(0)).toArray();
        double[] p = ((Vector) r.get(1)).toArray();
        assertEquals(-raw[0], raw[1], 0.0);
        assertEquals(1 / (1 + Math.exp(-raw[1])), p[1], 1e-15);
        assertEquals(1.0, p[0] + p[1], 1e-15);
        assertEquals(raw[1] > 0 ? 1.0 : 0.0, r.getDouble(2));
        double auc = new org.apache.spark.ml.evaluation.BinaryClassificationEvaluator().evaluate(m.transform(data));
        assertTrue(auc > 0.9, "AUC " + auc);
    }

    @Test
    void badCombinationsAreRefusedAtFitTimeBeforeTraining() {
        SparkSession spark = MlTestData.spark();
        Dataset<Row> data = MlTestData.sparseClasses(spark, 50, 6, 3, 3, 1);
        refused(() -> new SparkTrainClassifier().setOptimizer("SGD").setEpochs(1).fit(data),
                "SparkTrainClassifier: optimizerOptions: 'lr': SGD requires it (set the lr param, or lr=... in optimizerOptions)");
        refused(() -> new SparkTrainClassifier().setOptimizer("SGD").setLr(0.1).setOptimizerOptions("momentum=-1").fit(data),
                "optimizerOptions: SGD param group 0: 'momentum': invalid value -1.0: must be >= 0");
        refused(() -> new SparkTrainClassifier().setOptimizerOptions("betaz=(0.9, 0.99)").fit(data),
                "unknown option; allowed: amsgrad, betas");
        refused(() -> new SparkTrainClassifier().setLayers("linear(7,3)").fit(data),
                "layers: the first layer takes 7 features but featuresCol 'features' holds vectors of size 6");
        refused(() -> new SparkTrainClassifier().setLayers("linear(6,2)").fit(data),
                "layers: the last layer gives 2 outputs but labelCol 'label' has 3 classes");
        refused(() -> new SparkTrainClassifier().setLayers("linear(*,1)").fit(data),
                "CrossEntropyLoss needs one output per class (at least 2), the last layer gives 1");
        refused(() -> new SparkTrainClassifier().setMaxNorm(1).setClipValue(1).fit(data), "maxNorm and clipValue are both set");
        refused(() -> new SparkTrainClassifier().setScheduler("StepLR").fit(data), "schedulerOptions: 'step_size': required");
        refused(() -> new SparkTrainClassifier().setSchedulerOptions("T_max=3").fit(data), "schedulerOptions are set but scheduler is none");
        refused(() -> new SparkTrainClassifier().setLossOptions("label_smoothing=2").fit(data), "lossOptions: 'label_smoothing'");
        refused(() -> new SparkTrainRegressor().setLayers("linear(*,2)").fit(data), "a regressor's last layer must give 1 output");
        // a wrong column type is Spark's own schema check
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SparkTrainClassifier().setFeaturesCol("label").fit(data));
        assertTrue(e.getMessage().contains("label"), e.getMessage());
        // bad labels are reported with the row by the loader
        Dataset<Row> bad = spark.createDataFrame(List.of(RowFactory.create(0.0, Vectors.dense(1, 2)),
                RowFactory.create(0.5, Vectors.dense(3, 4)), RowFactory.create(2.0, Vectors.dense(3, 4))), MlTestData.LABELED);
        RuntimeException x = assertThrows(RuntimeException.class,
                () -> new SparkTrainClassifier().setLayers("linear(*,3)").setEpochs(1).fit(bad));
        assertTrue(x.getMessage().contains("column 'label': label 0.5 is not a class index in 0..2"), x.getMessage());
        Dataset<Row> negative = spark.createDataFrame(List.of(RowFactory.create(-1.0, Vectors.dense(1, 2))), MlTestData.LABELED);
        x = assertThrows(RuntimeException.class, () -> new SparkTrainClassifier().fit(negative));
        assertTrue(x.getMessage().contains("labelCol 'label' has the label -1.0; a classifier takes class indices 0, 1, ... "
                + "(index other labels with StringIndexer, or leave such rows out with ignore_index=-1 in lossOptions)"), x.getMessage());
        x = assertThrows(RuntimeException.class, () -> new SparkTrainClassifier().setLoss("BCEWithLogitsLoss")
                .setLayers("linear(*,1)").setEpochs(1).fit(negative));
        assertFalse(x.getMessage().contains("ignore_index"), "BCEWithLogitsLoss has no ignore_index: " + x.getMessage());
    }

    @Test
    void lrParamOverridesTheOptionsLr() {
        SparkTrainClassifier clf = new SparkTrainClassifier().setOptimizer("SGD")
                .setOptimizerOptions("lr=0.5, momentum=0.9").setBiasOptions("weight_decay=0");
        Training.Plan plan = Training.plan(clf, 4, 3, 3, true, "t", "features", "label");
        for (ParamGroup g : plan.job().newOptimizer().paramGroups()) assertEquals(0.5, g.lr());
        plan = Training.plan(clf.setLr(0.01), 4, 3, 3, true, "t", "features", "label");
        assertEquals(2, plan.job().newOptimizer().paramGroups().size(), "biasOptions: a second group");
        for (ParamGroup g : plan.job().newOptimizer().paramGroups()) assertEquals(0.01, g.lr());
        assertEquals("Linear(4, 3)", plan.job().model().spec());
        plan = Training.plan(new SparkTrainClassifier().setScheduler("SequentialLR")
                        .setSchedulerOptions("schedulers=LinearLR(start_factor=0.1, total_iters=2); CosineAnnealingLR(T_max=3), "
                                + "milestones=[2]"), 4, 3, 3, true, "t", "features", "label");
        Training.Plan sequential = plan;
        assertEquals("SequentialLR", sequential.job().newScheduler(sequential.job().newOptimizer()).state().get("scheduler"));
        assertTrue(Files.exists(Path.of(System.getProperty("project.basedir", "."), "pom.xml")));
    }

    private static void refused(Executable e, String expected) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(expected), "message '" + x.getMessage() + "' should contain '" + expected + "'");
    }
}
