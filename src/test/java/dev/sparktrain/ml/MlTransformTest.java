package dev.sparktrain.ml;

import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The batched transform (chunks of rows through the batch kernel) against Spark's own per-row
 * transform: the same schema (names, types, ML metadata, order) and the same values, bit for bit
 * where no BLAS product is involved (CSR rows into one linear layer), else within 1e-15 of the
 * vector's scale: a chunk's BLAS product may round differently from a single row's.
 */
class MlTransformTest {
    /**
     * Largest |a - b| / max(1, |v|∞) for a dense model's vectors: a chunk goes through one dgemm,
     * a single row through OpenBLAS's gemv (it forwards a one-column dgemm there), which sums
     * in another order (observed on the digits: up to 7.3e-16 of the scale).
     */
    private static final double TOL = 1e-15;

    @Test
    void digitsClassifierScoresLikeTheRowByRowPath() {
        SparkSession spark = MlTestData.spark();
        Dataset<Row> digits = new VectorAssembler().setInputCols(MlTestData.pixelColumns()).setOutputCol("features")
                .transform(MlTestData.digits(spark)).select("label", "features").repartition(3).cache();
        SparkTrainClassificationModel model = new SparkTrainClassifier().setLayers("linear(*,32), relu, linear(32,*)")
                .setStandardize(true).setLr(0.01).setEpochs(2).setBatchSize(128).fit(digits);
        same(model.transformRowByRow(digits), model.transform(digits), false);
        // thresholds change prediction; without rawPredictionCol prediction comes from probability
        model.setThresholds(new double[] {1, 2, 1, 1, 1, 1, 1, 1, 1, 0.5});
        same(model.transformRowByRow(digits), model.transform(digits), false);
        model.setRawPredictionCol("");
        same(model.transformRowByRow(digits), model.transform(digits), false);
        model.setProbabilityCol("").setPredictionCol("p");
        same(model.transformRowByRow(digits), model.transform(digits), false);
    }

    @Test
    void sparseDenseMixedAndSingleLogitRows() {
        SparkSession spark = MlTestData.spark();
        Dataset<Row> sparse = MlTestData.sparseClasses(spark, 1300, 40, 6, 2, 3).cache();
        // every third row dense: a chunk holds both kinds, each scored through its own kernel entry
        List<Row> mixed = new ArrayList<>();
        int i = 0;
        for (Row r : sparse.collectAsList()) {
            Vector v = r.getAs(1);
            mixed.add(RowFactory.create(r.getDouble(0), i++ % 3 == 0 ? v.toDense() : v));
        }
        Dataset<Row> data = spark.createDataFrame(mixed, MlTestData.LABELED).repartition(2).cache();
        for (boolean standardize : new boolean[] {false, true}) {
            SparkTrainClassificationModel m = new SparkTrainClassifier().setLayers("linear(*,8), tanh, linear(8,1)")
                    .setLoss("BCEWithLogitsLoss").setStandardize(standardize).setEpochs(2).setBatchSize(100).fit(data);
            same(m.transformRowByRow(data), m.transform(data), false);
            same(m.transformRowByRow(sparse), m.transform(sparse), false);
            // one linear layer on CSR rows (scaled, never centred): forwardCsr's row loop, no BLAS
            // call whose rounding could depend on the row count: bit for bit
            SparkTrainClassificationModel logistic = new SparkTrainClassifier().setLayers("linear(*,1)")
                    .setLoss("BCEWithLogitsLoss").setStandardize(standardize).setEpochs(2).setBatchSize(100).fit(sparse);
            same(logistic.transformRowByRow(sparse), logistic.transform(sparse), true);
        }
    }

    @Test
    void regressorScoresLikeTheRowByRowPath() {
        SparkSession spark = MlTestData.spark();
        Dataset<Row> data = MlTestData.linearRegression(spark, 1500, 7, 0.1, 5).repartition(2).cache();
        SparkTrainRegressionModel m = new SparkTrainRegressor().setLayers("linear(*,16), relu, linear(16,1)")
                .setStandardize(true).setEpochs(2).fit(data);
        same(m.transformRowByRow(data), m.transform(data), false);
        SparkTrainRegressionModel lin = new SparkTrainRegressor().setEpochs(1).fit(data); // one output: dgemv either way
        same(lin.transformRowByRow(data), lin.transform(data), false);
    }

    @Test
    void wrongSizeAndNullVectorsAreRefusedInOneLine() {
        SparkSession spark = MlTestData.spark();
        Dataset<Row> data = MlTestData.linearRegression(spark, 200, 3, 0.1, 5);
        SparkTrainRegressionModel m = new SparkTrainRegressor().setEpochs(1).fit(data);
        Dataset<Row> bad = spark.createDataFrame(List.of(RowFactory.create(1.0, Vectors.dense(1, 2))), MlTestData.LABELED);
        Exception e = assertThrows(Exception.class, () -> m.transform(bad).collectAsList());
        assertTrue(rootMessage(e).contains("a feature vector of size 2; the model was trained on 3 features"), rootMessage(e));
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.getMessage();
    }

    /**
     * Same schema (names, types, nullability, ML metadata, order) and rows; predictions equal,
     * vector and double values equal bit for bit when {@code bitExact}, else each within
     * {@link #TOL} of its vector's scale (max(1, |v|∞)).
     */
    private static void same(Dataset<Row> expected, Dataset<Row> actual, boolean bitExact) {
        assertEquals(expected.schema(), actual.schema());
        List<Row> a = expected.collectAsList();
        List<Row> b = actual.collectAsList();
        assertEquals(a.size(), b.size());
        int differ = 0;
        double worst = 0;
        for (int r = 0; r < a.size(); r++) {
            for (int c = 0; c < a.get(r).length(); c++) {
                Object x = a.get(r).get(c);
                Object y = b.get(r).get(c);
                String at = "row " + r + " column " + expected.schema().fields()[c].name();
                if (x instanceof Vector vx && c >= 2) {
                    double[] ex = vx.toArray();
                    double[] ac = ((Vector) y).toArray();
                    assertEquals(ex.length, ac.length, at);
                    double scale = 1;
                    for (double v : ex) scale = Math.max(scale, Math.abs(v));
                    for (int j = 0; j < ex.length; j++) {
                        if (Double.doubleToLongBits(ex[j]) == Double.doubleToLongBits(ac[j])) continue;
                        differ++;
                        double err = Math.abs(ex[j] - ac[j]) / scale;
                        worst = Math.max(worst, err);
                        assertTrue(!bitExact && err <= TOL, at + "[" + j + "]: " + ex[j] + " vs " + ac[j]);
                    }
                } else if (x instanceof Double dx && c >= 2 && dx != Math.rint(dx)) { // a regressor's prediction
                    double err = Math.abs(dx - (Double) y) / Math.max(1, Math.abs(dx));
                    if (err > 0) differ++;
                    worst = Math.max(worst, err);
                    assertTrue(bitExact ? err == 0 : err <= TOL, at + ": " + dx + " vs " + y);
                } else {                                      // input columns, class predictions
                    assertEquals(x, y, at);
                }
            }
        }
        System.out.println("MlTransformTest: " + a.size() + " rows, " + differ + " values not bit-identical, largest "
                + worst + " of the vector's scale");
    }
}
