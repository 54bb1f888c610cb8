package dev.sparktrain.spark.load;

import dev.sparktrain.data.DataSettings;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.Synthetic;
import dev.sparktrain.config.Options;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.train.SparkTestContext;
import dev.sparktrain.train.TrainSettings;
import dev.sparktrain.train.Trainer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same final weights, to the bit (sums follow row groups, not partitions: {@code SumTree})
 * for 1, 2 and 5 partitions (dense and CSR storage each; the two kernels differ in the last
 * bits, as they add a row's products in their own order), with empty partitions and one partition holding almost everything,
 * shuffling off and on — through the Spark backend, and through the loader.
 */
class PartitionInvarianceTest {
    static final int N = 500;
    static final int D = 8;
    static final Synthetic SPEC = new Synthetic(N, D, 3, 1.0, 21, 0.2);
    static final Sequential MODEL = Sequential.parse("linear(8,16), tanh, linear(16,3)", "t");

    private static double[] train(JavaRDD<PackedBlock> blocks, boolean shuffle) {
        try {
            return trainKeep(blocks, shuffle);
        } finally {
            blocks.unpersist(false);
        }
    }

    private static double[] trainKeep(JavaRDD<PackedBlock> blocks, boolean shuffle) {
        Loss loss = Losses.create("CrossEntropyLoss", Options.empty("loss"), 3);
        double[] p = MODEL.initParams(4);
        Optimizer opt = Optimizers.create("SGD", new Options("optimizer", Map.of("lr", 0.1, "momentum", 0.9)), GroupSpec.all(p.length));
        try (SparkBackend b = new SparkBackend(SparkTestContext.get(), blocks, null, MODEL, loss, 100)) {
            new Trainer(opt, null, null, new TrainSettings(2, 100, shuffle, 17, null)).fit(p, b);
        }
        return p;
    }

    private static void assertClose(double[] ref, double[] got, String what) {
        double scale = Arrays.stream(ref).map(Math::abs).max().orElse(1);
        double worst = 0;
        for (int i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i] - got[i]) / scale);
        assertTrue(worst <= 1e-9, what + ": max relative difference " + worst);
    }

    private static void assertSame(double[] ref, double[] got, String what) {
        assertArrayEquals(Arrays.stream(ref).mapToLong(Double::doubleToRawLongBits).toArray(),
                Arrays.stream(got).mapToLong(Double::doubleToRawLongBits).toArray(), what);
    }

    @Test
    void anyPartitionSizesGiveTheSameWeights() {
        double[][] xy = SPEC.denseRows(0, N);
        int[][] layouts = {{N}, {250, 250}, {100, 100, 100, 100, 100}, {0, 480, 0, 20, 0}, {1, 0, 498, 1, 0}};
        for (boolean shuffle : new boolean[] {false, true}) {
            double[] ref = train(Blocks.fromArrays(SparkTestContext.get(), xy[0], xy[1], D, 1, layouts[0]), shuffle);
            for (int i = 1; i < layouts.length; i++) {
                double[] got = train(Blocks.fromArrays(SparkTestContext.get(), xy[0], xy[1], D, 1, layouts[i]), shuffle);
                assertSame(ref, got, Arrays.toString(layouts[i]) + " shuffle=" + shuffle);
            }
        }
    }

    @Test
    void loaderNumbersRowsTheSameForAnyPartitionCount() {
        Dataset<Row> df = SyntheticWriter.dataset(SparkTestContext.get(), SPEC, 3, true);
        Map<DataSettings.StorageChoice, double[][]> refs = new java.util.EnumMap<>(DataSettings.StorageChoice.class);
        double[][] refRows = null;
        for (int parts : new int[] {1, 2, 5}) {
            for (DataSettings.StorageChoice st : List.of(DataSettings.StorageChoice.DENSE, DataSettings.StorageChoice.SPARSE)) {
                if (st == DataSettings.StorageChoice.SPARSE && parts == 2) continue;
                LoadedData d = DataLoader.load(df, null, DataSettings.builder(null, D).classes(3).partitions(parts)
                        .validationFraction(0.2).seed(8).storage(st).build());
                double[][] rows = DataTestSupport.rows(d.train());
                double[][] got = {trainKeep(d.train(), false), trainKeep(d.train(), true)};
                DataTestSupport.release(d);
                if (refRows == null) refRows = rows;
                assertArrayEquals(refRows[1], rows[1], "same training rows in the same order");
                double[][] ref = refs.putIfAbsent(st, got);
                if (ref == null) continue;
                assertSame(ref[0], got[0], parts + " partitions " + st + " no shuffle");
                assertSame(ref[1], got[1], parts + " partitions " + st + " shuffle");
            }
        }
        for (int i = 0; i < 2; i++) {
            assertClose(refs.get(DataSettings.StorageChoice.DENSE)[i], refs.get(DataSettings.StorageChoice.SPARSE)[i], "dense vs CSR");
        }
    }
}
