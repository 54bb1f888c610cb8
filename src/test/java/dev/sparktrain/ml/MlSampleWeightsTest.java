package dev.sparktrain.ml;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.train.EpochStats;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * weightCol in the estimators: all-ones weights train the same bits as no weights; integer
 * weights train (full batch) what the rows repeated that many times train; a missing or bad
 * weight column is refused in one line. The PyTorch comparison of weighted training through the
 * estimators is MlGoldenTrainTest.
 */
class MlSampleWeightsTest {
    private static final StructType SCHEMA = new StructType().add("label", DataTypes.DoubleType)
            .add("features", new VectorUDT()).add("w", DataTypes.DoubleType);

    /** Rows (label, 4 features, weight): weights 0..3, labels of 3 classes from a rule on the features. */
    private static List<Row> rows(int n, boolean ones) {
        Random r = new Random(31);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] x = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
            double label = (x[0] + x[1] > 0 ? 1 : 0) + (x[2] > 0.7 ? 1 : 0);
            rows.add(RowFactory.create(label, Vectors.dense(x), ones ? 1.0 : (double) (i % 4)));
        }
        return rows;
    }

    private static Dataset<Row> frame(List<Row> rows) {
        return MlTestData.spark().createDataFrame(rows, SCHEMA).coalesce(1);
    }

    private static SparkTrainClassifier classifier() {
        return new SparkTrainClassifier().setLayers("linear(*,6), relu, linear(6,*)").setOptimizer("SGD").setLr(0.2)
                .setEpochs(3).setSeed(5).setNumPartitions(2);
    }

    @Test
    void allOnesWeightsTrainTheUnweightedBits() {
        Dataset<Row> df = frame(rows(90, true));
        SparkTrainClassificationModel plain = classifier().setBatchSize(16).setValidationFraction(0.25).fit(df);
        SparkTrainClassificationModel weighted = classifier().setBatchSize(16).setValidationFraction(0.25).setWeightCol("w").fit(df);
        assertArrayEquals(plain.weights(), weighted.weights(), 0.0);
        for (int e = 0; e < 3; e++) {
            EpochStats a = plain.trainingHistory().get(e);
            EpochStats b = weighted.trainingHistory().get(e);
            assertTrue(Double.isFinite(a.valLoss()) && a.valLoss() > 0, "a validation loss, epoch " + e);
            assertEquals(a.trainLoss(), b.trainLoss(), 0.0, "train loss, epoch " + e);
            assertEquals(a.valLoss(), b.valLoss(), 0.0, "validation loss, epoch " + e);
            assertEquals(a.valAccuracy(), b.valAccuracy(), 0.0, "validation accuracy, epoch " + e);
        }
    }

    @Test
    void integerWeightsTrainAsRepeatedRows() {
        List<Row> rows = rows(60, false);
        List<Row> repeated = new ArrayList<>();
        for (Row r : rows) for (int k = 0; k < (int) r.getDouble(2); k++) repeated.add(r);
        double[] weighted = classifier().setBatchSize(0).setShuffle(false).setWeightCol("w").fit(frame(rows)).weights();
        double[] copies = classifier().setBatchSize(0).setShuffle(false).fit(frame(repeated)).weights();
        assertEquals(copies.length, weighted.length);
        for (int i = 0; i < copies.length; i++) assertEquals(copies[i], weighted[i], 1e-12 * Math.max(1, Math.abs(copies[i])), "weight " + i);
        double[] unweighted = classifier().setBatchSize(0).setShuffle(false).fit(frame(rows)).weights();
        assertTrue(Math.abs(unweighted[0] - weighted[0]) > 1e-6, "the weights change the training");
    }

    @Test
    void missingOrBadWeightColumnIsOneLine() {
        Dataset<Row> df = frame(rows(20, false));
        String m = assertThrows(IllegalArgumentException.class, () -> classifier().setWeightCol("weight").fit(df)).getMessage();
        assertTrue(m.endsWith("weightCol 'weight' is not a column of the training Dataset; its columns are label, features, w"), m);
        List<Row> bad = rows(20, false);
        bad.set(7, RowFactory.create(1.0, Vectors.dense(1, 2, 3, 4), -2.0));
        m = assertThrows(SparkTrainException.class, () -> classifier().setWeightCol("w").fit(frame(bad))).getMessage();
        assertTrue(m.endsWith("row 8: weight column 'w' has -2.0; weights must be finite and >= 0"), m);
    }
}
