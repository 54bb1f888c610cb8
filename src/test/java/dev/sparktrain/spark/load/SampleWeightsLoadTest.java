package dev.sparktrain.spark.load;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.DataSettings;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.train.SparkTestContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A Dataset's weight column: each row's weight reaches the training and validation blocks with
 * that row (whatever the partitions and the split), and a bad weight stops the load with one line
 * naming the column and the row.
 */
class SampleWeightsLoadTest {
    private static final int N = 200;

    private static Dataset<Row> frame(List<Row> rows, DataType weightType, int partitions) {
        StructType schema = new StructType().add("label", DataTypes.DoubleType).add("features", new VectorUDT())
                .add("w", weightType);
        SparkSession spark = SparkSession.builder().sparkContext(SparkTestContext.get().sc()).getOrCreate();
        return spark.createDataFrame(SparkTestContext.get().parallelize(rows, partitions), schema);
    }

    private static DataSettings.Builder settings() {
        return DataSettings.builder(null, 2).labelColumn("label").featureColumns(List.of("features")).weightColumn("w").classes(2);
    }

    /** Feature 0 is the row's id, so its weight can be checked wherever the row lands. */
    private static double weightOf(int i) {
        return i % 7 == 0 ? 0.0 : 0.25 * (i % 11);
    }

    @Test
    void eachRowKeepsItsWeightThroughPartitionsAndTheValidationSplit() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < N; i++) rows.add(RowFactory.create((double) (i % 2), Vectors.dense(i, -i), weightOf(i)));
        LoadedData data = DataLoader.load(frame(rows, DataTypes.DoubleType, 3), null,
                settings().validationFraction(0.3).partitions(4).summedFor(16).build());
        try {
            int seen = check(data.train()) + check(data.validation());
            assertEquals(N, seen);
            assertEquals(N, data.trainRows() + data.validationRows());
        } finally {
            data.train().unpersist(false);
            data.validation().unpersist(false);
        }
        LoadedData plain = DataLoader.load(frame(rows, DataTypes.DoubleType, 3), null, settings().weightColumn(null).build());
        try {
            for (PackedBlock b : plain.train().collect()) assertNull(b.weights(), "no weight column, no weight array");
        } finally {
            plain.train().unpersist(false);
        }
    }

    private static int check(JavaRDD<PackedBlock> blocks) {
        int rows = 0;
        for (PackedBlock b : blocks.collect()) {
            double[] x = new double[b.rows() * 2];
            b.gatherDense(null, 0, b.rows(), x, new double[b.rows()]);
            for (int r = 0; r < b.rows(); r++) {
                int id = (int) x[2 * r];
                assertEquals(weightOf(id), b.weights()[r], "weight of row " + id);
            }
            rows += b.rows();
        }
        return rows;
    }

    private static String error(List<Row> rows, DataType weightType, DataSettings s) {
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> DataLoader.load(frame(rows, weightType, 1), null, s));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private static List<Row> rowsWithWeight(Object third) {
        return List.of(RowFactory.create(0.0, Vectors.dense(1, 2), 1.0), RowFactory.create(1.0, Vectors.dense(3, 4), 2.0),
                RowFactory.create(1.0, Vectors.dense(5, 6), third));
    }

    @Test
    void badWeightsNameTheColumnAndTheRow() {
        assertEquals("the training Dataset: input partition 0, row 3: weight column 'w' has -0.5; weights must be finite and >= 0",
                error(rowsWithWeight(-0.5), DataTypes.DoubleType, settings().build()));
        assertEquals("the training Dataset: input partition 0, row 3: weight column 'w' has NaN; weights must be finite and >= 0",
                error(rowsWithWeight(Double.NaN), DataTypes.DoubleType, settings().build()));
        assertEquals("the training Dataset: input partition 0, row 3: weight column 'w' has Infinity; weights must be finite and >= 0",
                error(rowsWithWeight(Double.POSITIVE_INFINITY), DataTypes.DoubleType, settings().build()));
        assertEquals("the training Dataset: input partition 0, row 3: weight column 'w' is null",
                error(rowsWithWeight(null), DataTypes.DoubleType, settings().build()));
        List<Row> text = List.of(RowFactory.create(0.0, Vectors.dense(1, 2), "heavy"));
        assertEquals("the training Dataset: weight column 'w' is string; expected a number",
                error(text, DataTypes.StringType, settings().build()));
        assertEquals("weight column: no column 'weight' in the training Dataset; its columns are label, features, w",
                error(rowsWithWeight(1.0), DataTypes.DoubleType, settings().weightColumn("weight").build()));
        String csv = assertThrows(SparkTrainException.class, () -> DataLoader.load(SparkTestContext.get(),
                DataSettings.builder("rows.csv", 2).weightColumn("w").classes(2).build())).getMessage();
        assertEquals("data.format: sample weights are read from Spark SQL sources (parquet, orc, json, a Dataset), not csv", csv);
        assertEquals("the training Dataset: column 'label' is both the label and the weight",
                error(rowsWithWeight(1.0), DataTypes.DoubleType, settings().weightColumn("label").build()));
    }
}
