package dev.sparktrain.ml;

import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** validationIndicatorCol, early stopping, checkpoints and resume, and the summary. */
class MlFitTest {
    @TempDir
    Path tmp;

    private static Dataset<Row> data(SparkSession spark) {
        return MlTestData.sparseClasses(spark, 900, 30, 8, 3, 7)
                .withColumn("isVal", functions.expr("pmod(hash(label, monotonically_increasing_id()), 4) = 0"))
                .cache();
    }

    private static SparkTrainClassifier classifier() {
        return new SparkTrainClassifier().setLayers("linear(*,16), relu, linear(16,*)").setOptimizer("Adam").setLr(0.01)
                .setEpochs(4).setBatchSize(50);
    }

    @Test
    void validationIndicatorRowsAreTheValidationSet() {
        SparkSession spark = MlTestData.spark();
        Dataset<Row> df = data(spark);
        SparkTrainClassificationModel m = classifier().setValidationIndicatorCol("isVal").fit(df);
        List<Row> last = m.summary().history().orderBy(functions.desc("epoch")).limit(1).collectAsList();
        // the last epoch's validation accuracy is the final model's accuracy on exactly the true rows
        double acc = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                .evaluate(m.transform(df.where("isVal")));
        assertEquals(acc, last.get(0).getAs("val_accuracy"), 1e-12);
        double trainAcc = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                .evaluate(m.transform(df.where("not isVal")));
        assertTrue(Math.abs(trainAcc - acc) > 1e-9, "validation and training rows differ: " + acc + " vs " + trainAcc);

        refused(() -> classifier().setValidationIndicatorCol("nope").fit(df),
                "SparkTrainClassifier: validationIndicatorCol 'nope': no such column; the columns are label, features, isVal");
        refused(() -> classifier().setValidationIndicatorCol("label").fit(df),
                "SparkTrainClassifier: validationIndicatorCol 'label' has type double; expected boolean (true = a validation row)");
        refused(() -> classifier().setValidationIndicatorCol("isVal").setValidationFraction(0.2).fit(df),
                "SparkTrainClassifier: validationIndicatorCol and validationFraction are both set");
    }

    @Test
    void earlyStoppingStopsAfterPatienceEpochs() {
        SparkSession spark = MlTestData.spark();
        Dataset<Row> df = data(spark);
        // min_delta so large that only the first epoch counts as an improvement: stop after 1 + patience epochs
        SparkTrainClassificationModel m = classifier().setEpochs(10).setValidationFraction(0.25)
                .setEarlyStoppingMonitor("val_loss").setEarlyStoppingPatience(2).setEarlyStoppingMinDelta(1e9).fit(df);
        assertEquals(3, m.summary().totalIterations());
        assertEquals(3, m.summary().history().count());
        refused(() -> classifier().setEarlyStoppingMonitor("val_accuracy").fit(df),
                "SparkTrainClassifier: earlyStoppingMonitor val_accuracy needs validation rows; set validationFraction > 0 "
                        + "or validationIndicatorCol");
        refused(() -> classifier().setEarlyStoppingMonitor("val_los"), "sparktrain param earlyStoppingMonitor = 'val_los'");
    }

    @Test
    void aResumedFitEqualsAnUninterruptedOne() throws Exception {
        SparkSession spark = MlTestData.spark();
        Dataset<Row> df = data(spark);
        SparkTrainClassifier base = classifier().setScheduler("CosineAnnealingLR").setSchedulerOptions("T_max=4")
                .setValidationFraction(0.25).setEarlyStoppingMonitor("val_loss").setEarlyStoppingPatience(10);
        String full = tmp.resolve("full").toString();
        SparkTrainClassificationModel whole = base.copy(new org.apache.spark.ml.param.ParamMap())
                .setCheckpointDir(full).setCheckpointKeep(10).fit(df);
        assertTrue(Files.isDirectory(Path.of(full, "epoch-000002")), "a checkpoint per epoch in the job's format");

        String half = tmp.resolve("half").toString();
        SparkTrainClassificationModel first = base.copy(new org.apache.spark.ml.param.ParamMap()).setEpochs(2)
                .setCheckpointDir(half).fit(df);   // "interrupted" after 2 epochs
        SparkTrainClassificationModel resumed = base.copy(new org.apache.spark.ml.param.ParamMap()).setResumeFrom(half).fit(df);
        assertArrayEquals(whole.weights(), resumed.weights(), 0.0);
        assertEquals(4, resumed.summary().totalIterations());
        // epochs 1-2 were not trained again: their rows (timings too) are the checkpoint's
        for (int e = 0; e < 2; e++) {
            assertEquals(first.trainingHistory().get(e).seconds(), resumed.trainingHistory().get(e).seconds(), 0.0);
        }
        assertArrayEquals(whole.summary().objectiveHistory(), resumed.summary().objectiveHistory(), 0.0);
        // from one checkpoint of the full run too
        SparkTrainClassificationModel fromOne = base.copy(new org.apache.spark.ml.param.ParamMap())
                .setResumeFrom(Path.of(full, "epoch-000003").toString()).fit(df);
        assertArrayEquals(whole.weights(), fromOne.weights(), 0.0);

        refused(() -> classifier().setLayers("linear(*,8), relu, linear(8,*)").setResumeFrom(half).fit(df),
                "SparkTrainClassifier: resumeFrom: resume " + half + ": no usable checkpoint; newest: checkpoint");
    }

    @Test
    void summaryIsSavedWithTheModel() throws Exception {
        SparkSession spark = MlTestData.spark();
        Dataset<Row> df = data(spark);
        SparkTrainClassificationModel m = classifier().setEpochs(3).setValidationFraction(0.25).fit(df);
        SparkTrainSummary s = m.summary();
        assertEquals(List.of(SparkTrainSummary.SCHEMA.fieldNames()), List.of(s.history().columns()));
        List<Row> rows = s.history().orderBy("epoch").collectAsList();
        assertEquals(3, rows.size());
        for (int e = 0; e < 3; e++) {
            assertEquals(e + 1, rows.get(e).getInt(0));
            assertEquals(m.trainingHistory().get(e).trainLoss(), rows.get(e).getDouble(2), 0.0);
            assertEquals(m.trainingHistory().get(e).valLoss(), rows.get(e).getDouble(4), 0.0);
            assertTrue(rows.get(e).isNullAt(6), "no val_rmse for a classifier");
            assertEquals(0.01, rows.get(e).getDouble(7), 0.0);
        }
        String dir = tmp.resolve("m").toString();
        m.save(dir);
        SparkTrainSummary loaded = SparkTrainClassificationModel.load(dir).summary();
        assertEquals(rows, loaded.history().orderBy("epoch").collectAsList());
        assertArrayEquals(s.objectiveHistory(), loaded.objectiveHistory(), 0.0);
    }

    private static void refused(Executable e, String expected) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().startsWith(expected), "got: " + x.getMessage());
    }
}
