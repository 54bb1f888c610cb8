package dev.sparktrain.train;

import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.config.Options;
import dev.sparktrain.spark.load.Blocks;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Shuffled epochs: the order is a seeded permutation, and training with it is independent of partitioning. */
class ShuffleOrderTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 1000, 4097})
    void orderIsAPermutation(int n) {
        for (int epoch = 0; epoch < 3; epoch++) {
            EpochOrder o = new EpochOrder(n, true, 12345, epoch);
            assertEquals(n, o.size());
            boolean[] seen = new boolean[n];
            for (long row = 0; row < n; row++) {
                long pos = o.positionOf(row);
                assertTrue(pos >= 0 && pos < n, "position " + pos + " out of range");
                assertFalse(seen[(int) pos], "position " + pos + " taken twice");
                seen[(int) pos] = true;
                assertEquals(row, o.rowAt(pos), "rowAt inverts positionOf");
            }
            for (long pos = 0; pos < n; pos++) assertEquals(pos, o.positionOf(o.rowAt(pos)));
        }
    }

    private static long[] order(long n, boolean shuffle, long seed, int epoch) {
        EpochOrder o = new EpochOrder(n, shuffle, seed, epoch);
        long[] a = new long[(int) n];
        for (int p = 0; p < n; p++) a[p] = o.rowAt(p);
        return a;
    }

    @ParameterizedTest
    @ValueSource(ints = {7, 1000, 4097})
    void epochsDifferSeedsDifferSameSeedRepeats(int n) {
        long[] e0 = order(n, true, 5, 0);
        long[] e1 = order(n, true, 5, 1);
        long[] e2 = order(n, true, 5, 2);
        assertFalse(Arrays.equals(e0, e1));
        assertFalse(Arrays.equals(e1, e2));
        assertFalse(Arrays.equals(e0, e2));
        assertArrayEquals(e1, order(n, true, 5, 1), "same seed and epoch, same order");
        assertFalse(Arrays.equals(e1, order(n, true, 6, 1)), "another seed, another order");
        long[] identity = new long[n];
        for (int i = 0; i < n; i++) identity[i] = i;
        assertFalse(Arrays.equals(e0, identity), "shuffled is not the identity");
    }

    @Test
    void orderLooksShuffled() {
        int n = 4097;
        long[] o = order(n, true, 42, 0);
        int fixed = 0;
        int ascending = 0;
        for (int i = 0; i < n; i++) {
            if (o[i] == i) fixed++;
            if (i > 0 && o[i] > o[i - 1]) ascending++;
        }
        assertTrue(fixed < 20, "fixed points: " + fixed);
        assertTrue(Math.abs(ascending - n / 2) < 200, "ascending steps: " + ascending);
    }

    @Test
    void noShuffleIsIdentity() {
        for (int n : new int[] {1, 2, 3, 7, 1000}) {
            EpochOrder o = new EpochOrder(n, false, 99, 4);
            assertFalse(o.shuffled());
            for (long i = 0; i < n; i++) {
                assertEquals(i, o.positionOf(i));
                assertEquals(i, o.rowAt(i));
            }
        }
        assertFalse(new EpochOrder(1, true, 1, 0).shuffled(), "one row: nothing to shuffle");
    }

    // ---- training with shuffling: local vs Spark, any partitioning --------------------------

    private static final int N = 103;
    private static final int D = 4;
    private static final String MODEL = "linear(4,8), tanh, linear(8,3)";

    private static double[][] data() {
        Random r = new Random(11);
        double[] x = new double[N * D];
        double[] y = new double[N];
        for (int i = 0; i < N; i++) {
            double s = 0;
            for (int j = 0; j < D; j++) {
                x[i * D + j] = r.nextGaussian();
                s += (j + 1) * x[i * D + j];
            }
            y[i] = s < -1 ? 0 : s < 1.5 ? 1 : 2;
        }
        return new double[][] {x, y};
    }

    private static List<EpochStats> train(StepBackend backend, double[] params, long seed) {
        Optimizer opt = Optimizers.create("SGD", new Options("test", Map.of("lr", 0.2, "momentum", 0.9)),
                GroupSpec.all(params.length));
        return new Trainer(opt, null, null, new TrainSettings(3, 16, true, seed, null)).fit(params, backend);
    }

    private static Sequential model() {
        return Sequential.parse(MODEL, "test");
    }

    private static Loss loss(Sequential m) {
        return Losses.create("CrossEntropyLoss", Options.empty("test"), m.outFeatures());
    }

    private static double[] local(long seed, int blocks) {
        double[][] xy = data();
        Sequential m = model();
        PackedBlock[] bs = new PackedBlock[blocks];
        for (int b = 0; b < blocks; b++) {
            int lo = N * b / blocks;
            int hi = N * (b + 1) / blocks;
            bs[b] = PackedBlock.dense(lo, hi - lo, D, 1, Arrays.copyOfRange(xy[0], lo * D, hi * D),
                    Arrays.copyOfRange(xy[1], lo, hi));
        }
        double[] p = m.initParams(7);
        List<EpochStats> h = train(new LocalBackend(m, loss(m), bs, null, 16), p, seed);
        assertEquals(3, h.size());
        assertEquals(3L * ((N + 15) / 16), h.get(2).steps());
        return p;
    }

    private static double[] spark(long seed, int partitions) {
        double[][] xy = data();
        Sequential m = model();
        JavaRDD<PackedBlock> blocks = Blocks.fromArrays(SparkTestContext.get(), xy[0], xy[1], D, 1, partitions);
        try (SparkBackend backend = new SparkBackend(SparkTestContext.get(), blocks, null, m, loss(m), 16)) {
            assertEquals(N, backend.trainRows());
            double[] p = m.initParams(7);
            train(backend, p, seed);
            return p;
        } finally {
            blocks.unpersist(false);
        }
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            double tol = 1e-9 * Math.max(1e-3, Math.abs(expected[i]));
            assertEquals(expected[i], actual[i], tol, what + " param " + i);
        }
    }

    @Test
    void shuffledTrainingIndependentOfPartitioningAndBackend() {
        double[] ref = local(42, 1);
        double[] init = model().initParams(7);
        assertFalse(Arrays.equals(ref, init), "training moved the parameters");
        assertClose(ref, local(42, 4), "local, 4 blocks");
        for (int parts : new int[] {1, 2, 5}) assertClose(ref, spark(42, parts), "spark, " + parts + " partitions");
    }

    @Test
    void shuffledTrainingReproducibleAndSeeded() {
        double[] a = spark(42, 2);
        double[] b = spark(42, 2);
        assertArrayEquals(a, b, 0.0, "same seed, identical parameters");
        double[] c = spark(43, 2);
        double maxDiff = 0;
        for (int i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - c[i]));
        assertTrue(maxDiff > 1e-6, "another seed visits rows in another order: max diff " + maxDiff);
        assertArrayEquals(local(43, 1), local(43, 1), 0.0);
    }

    @Test
    void shuffleChangesTheResult() {
        double[][] xy = data();
        Sequential m = model();
        PackedBlock[] one = {PackedBlock.dense(0, N, D, 1, xy[0], xy[1])};
        double[] p = m.initParams(7);
        Optimizer opt = Optimizers.create("SGD", new Options("test", Map.of("lr", 0.2, "momentum", 0.9)),
                GroupSpec.all(p.length));
        new Trainer(opt, null, null, new TrainSettings(3, 16, false, 42, null))
                .fit(p, new LocalBackend(m, loss(m), one, null, 16));
        double[] shuffled = local(42, 1);
        assertFalse(Arrays.equals(p, shuffled), "shuffle=true must not train like shuffle=false");
    }
}
