package dev.sparktrain.data;

import dev.sparktrain.config.Options;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.train.BlockWorker;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Per-row sample weights in every block layout: they travel with their rows through the
 * builder, select/range/concat, scaling and serialization, and reach the kernel on both the
 * in-place and the gathered path; all-ones weights give the unweighted bits.
 */
class BlockWeightsTest {
    private static final int N = PackedBlockTest.N;
    private static final int D = PackedBlockTest.D;

    private static double[] weights(long seed) {
        Random r = new Random(seed);
        double[] w = new double[N];
        for (int i = 0; i < N; i++) w[i] = i % 13 == 0 ? 0.0 : 3 * r.nextDouble();
        return w;
    }

    private static PackedBlock pack(double[][] xy, double[] w, PackedBlock.Storage st, PackedBlock.Precision pr) {
        PackedBlock.Builder b = new PackedBlock.Builder(D, 1, st, pr, 4).weighted();
        for (int i = 0; i < N; i++) {
            b.weight(w[i]);
            b.addDense(Arrays.copyOfRange(xy[0], i * D, i * D + D), new double[] {xy[1][i]});
        }
        return b.build(100);
    }

    private static List<PackedBlock.Storage> storages() {
        return List.of(PackedBlock.Storage.DENSE, PackedBlock.Storage.SPARSE);
    }

    private static List<PackedBlock.Precision> precisions() {
        return List.of(PackedBlock.Precision.FLOAT64, PackedBlock.Precision.FLOAT32);
    }

    @Test
    void weightsTravelWithTheirRows() throws Exception {
        double[][] xy = PackedBlockTest.data(3);
        double[] w = weights(4);
        for (PackedBlock.Storage st : storages()) {
            for (PackedBlock.Precision pr : precisions()) {
                String tag = st + " " + pr;
                PackedBlock b = pack(xy, w, st, pr);
                assertArrayEquals(w, b.weights(), tag);
                PackedBlock unweighted = PackedBlockTest.pack(xy, st, pr, 100);
                assertNull(unweighted.weights(), tag);
                assertEquals(unweighted.bytes() + 16 + 8L * N, b.bytes(), tag);
                assertArrayEquals(new double[] {w[7], w[2], w[250]}, b.select(new int[] {7, 2, 250}, 3, 0).weights(), tag);
                assertArrayEquals(Arrays.copyOfRange(w, 10, 60), b.range(10, 60, 0).weights(), tag);
                PackedBlock joined = PackedBlock.concat(List.of(b.range(0, 120, 100), b.range(120, N, 220)), 100, D, 1, st, pr);
                assertArrayEquals(w, joined.weights(), tag);
                PackedBlock empty = PackedBlockTest.pack(new double[][] {new double[0], new double[0]}, st, pr, 100);
                assertArrayEquals(w, PackedBlock.concat(List.of(empty, b), 100, D, 1, st, pr).weights(), tag + " after an empty part");
                double[] ones = new double[D];
                Arrays.fill(ones, 2.0);
                assertArrayEquals(w, b.scaled(new Standardizer(new double[D], ones)).weights(), tag);
                double[] gathered = new double[3];
                b.gatherWeights(new int[] {0, 5, 9, 299}, 1, 3, gathered);
                assertArrayEquals(new double[] {w[5], w[9], w[299]}, gathered, tag);
                assertArrayEquals(w, roundTrip(b).weights(), tag);
            }
        }
    }

    @Test
    void allOnesGiveTheUnweightedBitsOnEveryPath() {
        double[][] xy = PackedBlockTest.data(5);
        double[] ones = new double[N];
        Arrays.fill(ones, 1.0);
        Sequential m = Sequential.parse("linear(40,8), relu, linear(8,3)", "t");
        Loss loss = Losses.create("CrossEntropyLoss", Options.empty("loss"), 3);
        double[] p = m.initParams(7);
        int[] shuffled = new int[N / 2];
        for (int i = 0; i < shuffled.length; i++) shuffled[i] = 2 * i + 1;
        for (PackedBlock.Storage st : storages()) {
            for (PackedBlock.Precision pr : precisions()) {
                PackedBlock plain = PackedBlockTest.pack(xy, st, pr, 100);
                PackedBlock weighted = pack(xy, ones, st, pr);
                for (BlockSlice s : List.of(BlockSlice.range(3, 280), BlockSlice.rows(shuffled))) {
                    String tag = st + " " + pr + (s.contiguous() ? " range" : " rows");
                    assertArrayEquals(sums(m, loss, plain, s, p), sums(m, loss, weighted, s, p), 0.0, tag);
                    assertArrayEquals(new BlockWorker(m, loss).evaluateStats(plain, s, p),
                            new BlockWorker(m, loss).evaluateStats(weighted, s, p), 0.0, tag + " evaluation");
                }
            }
        }
    }

    @Test
    void doubledWeightsDoubleTheSumsExactly() {
        double[][] xy = PackedBlockTest.data(6);
        double[] twos = new double[N];
        Arrays.fill(twos, 2.0);
        Sequential m = Sequential.parse("linear(40,8), tanh, linear(8,3)", "t");
        Loss loss = Losses.create("CrossEntropyLoss", Options.empty("loss"), 3);
        double[] p = m.initParams(8);
        PackedBlock plain = PackedBlockTest.pack(xy, PackedBlock.Storage.SPARSE, PackedBlock.Precision.FLOAT64, 0);
        PackedBlock weighted = pack(xy, twos, PackedBlock.Storage.SPARSE, PackedBlock.Precision.FLOAT64);
        double[] a = sums(m, loss, plain, BlockSlice.range(0, N), p);
        double[] b = sums(m, loss, weighted, BlockSlice.range(0, N), p);
        for (int i = 0; i < a.length; i++) {
            boolean counts = i >= a.length - BatchKernel.STATS + BatchKernel.ROWS;
            assertEquals(counts ? a[i] : 2 * a[i], b[i], 0.0, "sums[" + i + "]");
        }
        // validation and evaluation: loss and normalizer doubled, rows and correct counts as they were
        double[] ea = new BlockWorker(m, loss).evaluateStats(plain, BlockSlice.range(0, N), p);
        double[] eb = new BlockWorker(m, loss).evaluateStats(weighted, BlockSlice.range(0, N), p);
        assertArrayEquals(new double[] {2 * ea[BatchKernel.LOSS], 2 * ea[BatchKernel.NORM], ea[BatchKernel.ROWS],
                ea[BatchKernel.CORRECT]}, eb, 0.0);
    }

    private static double[] sums(Sequential m, Loss loss, PackedBlock b, BlockSlice s, double[] p) {
        BlockWorker w = new BlockWorker(m, loss);
        double[] sums = new double[w.sumsLength()];
        w.accumulate(b, s, p, sums, 0L);
        return sums;
    }

    private static PackedBlock roundTrip(PackedBlock b) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(b);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (PackedBlock) in.readObject();
        }
    }
}
