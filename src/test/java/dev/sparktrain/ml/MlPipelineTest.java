package dev.sparktrain.ml;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The classifier in Spark ML's own machinery on the shipped digits: a Pipeline (VectorAssembler →
 * StandardScaler → sparktrain) fitted, evaluated, saved and reloaded in a new SparkSession with
 * identical outputs; a CrossValidator grid over learning rates and optimizers.
 */
class MlPipelineTest {
    @TempDir
    Path tmp;

    private static Pipeline digitsPipeline(SparkTrainClassifier clf) {
        VectorAssembler assembler = new VectorAssembler().setInputCols(MlTestData.pixelColumns()).setOutputCol("pixels");
        StandardScaler scaler = new StandardScaler().setInputCol("pixels").setOutputCol("features").setWithMean(true);
        return new Pipeline().setStages(new PipelineStage[] {assembler, scaler, clf});
    }

    @Test
    void pipelineFitsEvaluatesSavesAndReloadsInANewSession() throws Exception {
        SparkSession spark = MlTestData.spark();
        Dataset<Row> all = MlTestData.digits(spark).cache();
        Dataset<Row>[] split = all.randomSplit(new double[] {0.8, 0.2}, 7);
        SparkTrainClassifier clf = new SparkTrainClassifier()
                .setLayers("linear(*,64), relu, linear(64,*)")
                .setOptimizer("AdamW").setLr(5e-3).setOptimizerOptions("weight_decay=1e-4")
                .setScheduler("CosineAnnealingLR").setSchedulerOptions("T_max=10")
                .setMaxNorm(5.0).setEpochs(10).setBatchSize(128).setValidationFraction(0.1);
        Pipeline pipeline = digitsPipeline(clf);
        PipelineModel fitted = pipeline.fit(split[0]);

        SparkTrainClassificationModel model = (SparkTrainClassificationModel) fitted.stages()[2];
        assertEquals(10, model.numClasses(), "classes from the labels (linear(64,*))");
        assertEquals(64, model.numFeatures());
        assertEquals("Linear(64, 64), ReLU(), Linear(64, 10)", model.layersSpec());
        assertEquals(10, model.trainingHistory().size());
        assertTrue(model.trainingHistory().get(9).valAccuracy() > 0.85, "validation rows were held out and scored");
        assertEquals(5e-3, model.getLr(), "the model carries the estimator's params");
        assertEquals("AdamW", model.getOptimizer());

        Dataset<Row> scored = fitted.transform(split[1]);
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
        double logLoss = new MulticlassClassificationEvaluator().setMetricName("logLoss").evaluate(scored);
        assertTrue(accuracy > 0.93, "test accuracy " + accuracy);
        assertTrue(logLoss < 0.3, "test log loss " + logLoss);

        // probabilities are the softmax of the logits; prediction their argmax
        for (Row r : scored.select("rawPrediction", "probability", "prediction").limit(20).collectAsList()) {
            double[] raw = ((Vector) r.get(0)).toArray();
            double[] p = ((Vector) r.get(1)).toArray();
            double s = 0;
            for (double x : p) s += x;
            assertEquals(1.0, s, 1e-12);
            assertEquals(Math.log(p[0] / p[3]), raw[0] - raw[3], 1e-9);
            assertEquals(((Vector) r.get(0)).argmax(), (int) r.getDouble(2));
        }

        String dir = tmp.resolve("digits-pipeline").toString();
        fitted.write().overwrite().save(dir);
        pipeline.write().save(tmp.resolve("digits-pipeline-unfitted").toString());

        // reload in a new session (same SparkContext: one per JVM) and score data read in that session
        SparkSession other = spark.newSession();
        assertNotEquals(spark, other);
        PipelineModel reloaded = PipelineModel.read().session(other).load(dir);
        SparkTrainClassificationModel model2 = (SparkTrainClassificationModel) reloaded.stages()[2];
        assertEquals(model.uid(), model2.uid());
        assertArrayEquals(model.weights(), model2.weights(), 0.0);
        assertEquals(model.getLr(), model2.getLr());
        assertEquals(model.getSchedulerOptions(), model2.getSchedulerOptions());
        assertEquals(model.trainingHistory().get(9).trainLoss(), model2.trainingHistory().get(9).trainLoss());

        List<Row> before = fitted.transform(all).select("prediction", "probability", "rawPrediction").collectAsList();
        List<Row> after = reloaded.transform(MlTestData.digits(other)).select("prediction", "probability", "rawPrediction")
                .collectAsList();
        assertEquals(1797, after.size());
        for (int i = 0; i < before.size(); i++) {
            assertEquals(before.get(i).getDouble(0), after.get(i).getDouble(0), 0.0, "prediction of row " + i);
            assertArrayEquals(((Vector) before.get(i).get(1)).toArray(), ((Vector) after.get(i).get(1)).toArray(), 0.0,
                    "probability of row " + i);
            assertArrayEquals(((Vector) before.get(i).get(2)).toArray(), ((Vector) after.get(i).get(2)).toArray(), 0.0,
                    "rawPrediction of row " + i);
        }

        // the unfitted pipeline keeps the estimator's params
        Pipeline p2 = Pipeline.read().session(other).load(tmp.resolve("digits-pipeline-unfitted").toString());
        SparkTrainClassifier clf2 = assertInstanceOf(SparkTrainClassifier.class, p2.getStages()[2]);
        assertEquals(clf.uid(), clf2.uid());
        assertEquals(clf.extractParamMap().toString(), clf2.extractParamMap().toString());
        assertTrue(clf2.isSet(clf2.lr()) && !clf2.isSet(clf2.seed()), "set and default params stay apart");
    }

    @Test
    void crossValidatorPicksTheBetterLearningRateAndOptimizer() throws Exception {
        SparkSession spark = MlTestData.spark();
        Dataset<Row> all = MlTestData.digits(spark).cache();
        SparkTrainClassifier clf = new SparkTrainClassifier().setLayers("linear(*,32), relu, linear(32,*)")
                .setEpochs(3).setBatchSize(128);
        Pipeline pipeline = digitsPipeline(clf);
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(clf.lr(), new double[] {1e-4, 1e-2})
                .addGrid(clf.optimizer(), CollectionConverters.asScala(List.of("SGD", "Adam")))
                .build();
        assertEquals(4, grid.length);
        MulticlassClassificationEvaluator eval = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        CrossValidator cv = new CrossValidator().setEstimator(pipeline).setEstimatorParamMaps(grid).setEvaluator(eval)
                .setNumFolds(2).setSeed(3);
        CrossValidatorModel cvModel = cv.fit(all);

        double[] metrics = cvModel.avgMetrics();
        int best = 0;
        for (int i = 1; i < metrics.length; i++) if (metrics[i] > metrics[best]) best = i;
        double min = metrics[0];
        for (double m : metrics) min = Math.min(min, m);
        assertTrue(metrics[best] - min > 0.2, "the grid points differ: " + java.util.Arrays.toString(metrics));

        Transformer[] stages = ((PipelineModel) cvModel.bestModel()).stages();
        SparkTrainClassificationModel chosen = (SparkTrainClassificationModel) stages[2];
        ParamMap winner = grid[best];
        assertEquals((double) winner.apply(clf.lr()), chosen.getLr(), "the best model has the best grid point's lr; metrics "
                + java.util.Arrays.toString(metrics));
        assertEquals(winner.apply(clf.optimizer()), chosen.getOptimizer());
        double acc = eval.evaluate(cvModel.transform(all));
        assertTrue(acc > 0.8, "best model's accuracy on all rows " + acc);

        // the tuned model saves and loads like MLlib's (its grid encodes our params by name and uid)
        String dir = tmp.resolve("cv").toString();
        cvModel.write().save(dir);
        CrossValidatorModel back = CrossValidatorModel.load(dir);
        assertArrayEquals(metrics, back.avgMetrics(), 0.0);
        assertEquals(winner.apply(clf.lr()), back.getEstimatorParamMaps()[best].apply(clf.lr()));
        List<Row> a = cvModel.transform(all).select("probability").collectAsList();
        List<Row> b = back.transform(all).select("probability").collectAsList();
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(((Vector) a.get(i).get(0)).toArray(), ((Vector) b.get(i).get(0)).toArray(), 0.0);
        }
    }
}
