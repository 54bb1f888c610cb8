package dev.sparktrain.ml;

import dev.sparktrain.train.SparkTestContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Data for the ML tests: the shipped digits (Spark's CSV reader) and small generated sets. */
final class MlTestData {
    private MlTestData() {
    }

    static SparkSession spark() {
        return SparkSession.builder().sparkContext(SparkTestContext.get().sc()).getOrCreate();
    }

    /** data/digits.csv.gz as Spark reads it: int columns _c0.._c63 (pixels) and label (0..9). */
    static Dataset<Row> digits(SparkSession spark) {
        String path = Path.of(System.getProperty("project.basedir", "."), "data", "digits.csv.gz").toString();
        return spark.read().option("inferSchema", "true").csv(path).withColumnRenamed("_c64", "label");
    }

    static String[] pixelColumns() {
        String[] cols = new String[64];
        for (int i = 0; i < 64; i++) cols[i] = "_c" + i;
        return cols;
    }

    static final StructType LABELED = new StructType().add("label", DataTypes.DoubleType, false)
            .add("features", new VectorUDT(), false);

    /**
     * {@code n} rows of {@code d} sparse features ({@code perRow} non-zeros each, values in
     * [-1, 1]) labelled by the argmax of a random linear teacher over {@code k} classes.
     */
    static Dataset<Row> sparseClasses(SparkSession spark, int n, int d, int perRow, int k, long seed) {
        Random r = new Random(seed);
        double[][] w = new double[k][d];
        for (double[] row : w) for (int j = 0; j < d; j++) row[j] = r.nextGaussian();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            java.util.TreeMap<Integer, Double> nz = new java.util.TreeMap<>();
            while (nz.size() < perRow) nz.put(r.nextInt(d), 2 * r.nextDouble() - 1);
            int[] idx = nz.keySet().stream().mapToInt(Integer::intValue).toArray();
            double[] val = nz.values().stream().mapToDouble(Double::doubleValue).toArray();
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int t = 0; t < idx.length; t++) s += w[c][idx[t]] * val[t];
                if (s > bestScore) {
                    bestScore = s;
                    best = c;
                }
            }
            Vector v = Vectors.sparse(d, idx, val);
            rows.add(RowFactory.create((double) best, v));
        }
        return spark.createDataFrame(rows, LABELED).repartition(2);
    }

    /** {@code y = w·x + b + N(0, noise²)} with x ~ N(0, 1)^d scaled per feature by 1..d (so standardizing matters). */
    static Dataset<Row> linearRegression(SparkSession spark, int n, int d, double noise, long seed) {
        Random r = new Random(seed);
        double[] w = new double[d];
        for (int j = 0; j < d; j++) w[j] = r.nextGaussian();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] x = new double[d];
            double y = 0.5;
            for (int j = 0; j < d; j++) {
                x[j] = (j + 1) * r.nextGaussian();
                y += w[j] * x[j] / (j + 1);
            }
            rows.add(RowFactory.create(y + noise * r.nextGaussian(), Vectors.dense(x)));
        }
        return spark.createDataFrame(rows, LABELED);
    }
}
