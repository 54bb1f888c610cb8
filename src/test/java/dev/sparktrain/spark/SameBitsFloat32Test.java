package dev.sparktrain.spark;

import dev.sparktrain.config.Options;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Precision;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.spark.load.Blocks;
import dev.sparktrain.train.LocalBackend;
import dev.sparktrain.train.SparkTestContext;
import dev.sparktrain.train.TaskThreads;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.sparktrain.spark.SameBitsBackendTest.D;
import static dev.sparktrain.spark.SameBitsBackendTest.LAYOUTS;
import static dev.sparktrain.spark.SameBitsBackendTest.N;
import static dev.sparktrain.spark.SameBitsBackendTest.ROWS;
import static dev.sparktrain.spark.SameBitsBackendTest.VAL;
import static dev.sparktrain.spark.SameBitsBackendTest.jsc;
import static dev.sparktrain.spark.SameBitsBackendTest.local;
import static dev.sparktrain.spark.SameBitsBackendTest.scaled;
import static dev.sparktrain.spark.SameBitsBackendTest.spark;
import static dev.sparktrain.spark.SameBitsBackendTest.train;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Issue 18: a float32 model (with Dropout) trains to the same bits on any partitioning and thread
 * count, dense and CSR input, float32 and float64 storage, shuffled and in order: each chunk's
 * float sums stay inside the chunk, and the chunks' float64 sums take the canonical order, as in float64.
 */
class SameBitsFloat32Test {
    static final Sequential MODEL = SameBitsDropoutTest.withDropout(0.3).withPrecision(Precision.FLOAT32);

    @Test
    void denseFloat32TrainsToTheSameBitsOnAnyPartitioningAndThreadCount() {
        for (boolean shuffle : new boolean[] {true, false}) {
            SameBitsBackendTest.Result ref = local(MODEL, shuffle);
            for (int[][] layout : List.of(LAYOUTS[1], LAYOUTS[3])) {
                spark(MODEL, layout, shuffle).assertSame(ref, Arrays.toString(layout[0]) + " shuffle=" + shuffle);
            }
            SparkTestContext.withConf(jsc(), Map.of(TaskThreads.CONF, "3"), () -> spark(MODEL, LAYOUTS[2], shuffle))
                    .assertSame(ref, "3 threads per task, shuffle=" + shuffle);
        }
        assertFalse(Arrays.equals(local(MODEL, true).params(), local(MODEL.withPrecision(Precision.FLOAT64), true).params()),
                "float32 changes the trajectory");
    }

    @Test
    void csrFloat32TrainsToTheSameBitsOnAnyPartitioning() {
        for (boolean shuffle : new boolean[] {true, false}) {
            SameBitsBackendTest.Result ref = localOf(MODEL, SameBitsFloat32Test::csr, shuffle);
            for (int[][] layout : List.of(LAYOUTS[1], LAYOUTS[3])) {
                sparkOf(MODEL, SameBitsFloat32Test::csr, layout, shuffle)
                        .assertSame(ref, "CSR " + Arrays.toString(layout[0]) + " shuffle=" + shuffle);
            }
        }
        assertFalse(Arrays.equals(localOf(MODEL, SameBitsFloat32Test::csr, true).params(),
                localOf(MODEL.withPrecision(Precision.FLOAT64), SameBitsFloat32Test::csr, true).params()), "float32 changes the trajectory");
    }

    /** Float32 storage on uneven partitions trains to the bits of one float64 block holding the same (rounded) values. */
    @Test
    void float32StorageOnAnyPartitioningGivesTheBitsOfFloat64StorageOfTheSameValues() {
        for (boolean shuffle : new boolean[] {true, false}) {
            sparkOf(MODEL, SameBitsFloat32Test::denseFloat, LAYOUTS[3], shuffle)
                    .assertSame(localOf(MODEL, SameBitsFloat32Test::roundedDense, shuffle), "float32 storage, shuffle=" + shuffle);
        }
    }

    static Loss loss() {
        return Losses.create("CrossEntropyLoss", Options.empty("loss"), 3);
    }

    /** Rows {@code [first, first + rows)} of {@link SameBitsBackendTest#ROWS} (training rows first) as a block whose row ids start at firstRow. */
    @FunctionalInterface
    interface Rows {
        PackedBlock block(int first, long firstRow, int rows);
    }

    static double[] targets(int first, int rows) {
        return Arrays.copyOfRange(ROWS[1], first, first + rows);
    }

    /** The rows as CSR: features below 0.5 in magnitude are left out. */
    static PackedBlock csr(int first, long firstRow, int rows) {
        int[] ptr = new int[rows + 1];
        int[] idx = new int[rows * D];
        double[] val = new double[rows * D];
        int nz = 0;
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < D; j++) {
                double v = ROWS[0][(first + r) * D + j];
                if (Math.abs(v) < 0.5) continue;
                idx[nz] = j;
                val[nz++] = v;
            }
            ptr[r + 1] = nz;
        }
        return PackedBlock.csr(firstRow, rows, D, 1, ptr, Arrays.copyOf(idx, nz), Arrays.copyOf(val, nz), targets(first, rows));
    }

    /** The rows stored as float32. */
    static PackedBlock denseFloat(int first, long firstRow, int rows) {
        float[] x = new float[rows * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) ROWS[0][first * D + i];
        return PackedBlock.denseFloat(firstRow, rows, D, 1, x, targets(first, rows));
    }

    /** The rows rounded to float, stored as float64. */
    static PackedBlock roundedDense(int first, long firstRow, int rows) {
        double[] x = new double[rows * D];
        for (int i = 0; i < x.length; i++) x[i] = (float) ROWS[0][first * D + i];
        return PackedBlock.dense(firstRow, rows, D, 1, x, targets(first, rows));
    }

    /** One block per entry of {@code sizes} (×SCALE rows each), starting at row {@code first} of ROWS. */
    static JavaRDD<PackedBlock> blocks(Rows rows, int first, int[] sizes) {
        List<PackedBlock> blocks = new ArrayList<>();
        int lo = 0;
        for (int size : scaled(sizes)) {
            blocks.add(rows.block(first + lo, lo, size));
            lo += size;
        }
        return Blocks.fromBlocks(jsc(), blocks);
    }

    static SameBitsBackendTest.Result localOf(Sequential model, Rows rows, boolean shuffle) {
        PackedBlock[] trainBlocks = {rows.block(0, 0, N)};
        PackedBlock[] val = {rows.block(N, 0, VAL)};
        return train(model, new LocalBackend(model, loss(), trainBlocks, val, SameBitsBackendTest.BATCH), shuffle);
    }

    static SameBitsBackendTest.Result sparkOf(Sequential model, Rows rows, int[][] layout, boolean shuffle) {
        JavaRDD<PackedBlock> trainBlocks = blocks(rows, 0, layout[0]);
        JavaRDD<PackedBlock> val = blocks(rows, N, layout[1]);
        try (SparkBackend b = new SparkBackend(jsc(), trainBlocks, val, model, loss(), SameBitsBackendTest.BATCH)) {
            assertEquals(layout[0].length, trainBlocks.getNumPartitions());
            return train(model, b, shuffle);
        } finally {
            trainBlocks.unpersist(false);
            val.unpersist(false);
        }
    }
}
