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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dense, CSR and float32 blocks: packing, gathering, the epoch order, and the kernel on each (no Spark). */
class PackedBlockTest {
    static final int N = 300;
    static final int D = 40;

    /** Rows with ~25% non-zeros; labels 0..2. */
    static double[][] data(long seed) {
        Random r = new Random(seed);
        double[] x = new double[N * D];
        double[] y = new double[N];
        for (int i = 0; i < x.length; i++) x[i] = r.nextDouble() < 0.25 ? r.nextGaussian() : 0.0;
        for (int i = 0; i < N; i++) y[i] = r.nextInt(3);
        return new double[][] {x, y};
    }

    static PackedBlock pack(double[][] xy, PackedBlock.Storage st, PackedBlock.Precision pr, long first) {
        PackedBlock.Builder b = new PackedBlock.Builder(D, 1, st, pr, 4);
        for (int i = 0; i < xy[1].length; i++) b.addDense(Arrays.copyOfRange(xy[0], i * D, i * D + D), new double[] {xy[1][i]});
        return b.build(first);
    }

    static double[] dense(PackedBlock b) {
        double[] x = new double[b.rows() * b.features()];
        b.gatherDense(null, 0, b.rows(), x, new double[b.rows()]);
        return x;
    }

    @Test
    void everyLayoutHoldsTheSameRows() {
        double[][] xy = data(1);
        PackedBlock packed = pack(xy, PackedBlock.Storage.SPARSE, PackedBlock.Precision.FLOAT64, 0);
        assertInstanceOf(CsrBlock.Float64.class, packed);
        CsrBlock.Float64 csr = (CsrBlock.Float64) packed;
        assertEquals(csr.nonZeros(), pack(xy, PackedBlock.Storage.DENSE, PackedBlock.Precision.FLOAT64, 0).nonZeros());
        assertArrayEquals(xy[0], dense(csr));
        assertArrayEquals(xy[0], dense(pack(xy, PackedBlock.Storage.DENSE, PackedBlock.Precision.FLOAT64, 0)));
        double[] rounded = xy[0].clone();
        for (int i = 0; i < rounded.length; i++) rounded[i] = (float) rounded[i];
        assertArrayEquals(rounded, dense(pack(xy, PackedBlock.Storage.DENSE, PackedBlock.Precision.FLOAT32, 0)));
        assertArrayEquals(rounded, dense(pack(xy, PackedBlock.Storage.SPARSE, PackedBlock.Precision.FLOAT32, 0)));
        // Sparse rows into a dense builder scatter; CSR gather gives back the non-zeros.
        PackedBlock.Builder b = new PackedBlock.Builder(D, 1, PackedBlock.Storage.DENSE, PackedBlock.Precision.FLOAT64, 1);
        for (int r = 0; r < N; r++) {
            int[] idx = Arrays.copyOfRange(csr.indices(), csr.rowPtr()[r], csr.rowPtr()[r + 1]);
            double[] val = Arrays.copyOfRange(csr.values(), csr.rowPtr()[r], csr.rowPtr()[r + 1]);
            b.addSparse(idx, val, idx.length, new double[] {xy[1][r]});
        }
        assertArrayEquals(xy[0], dense(b.build(0)));
    }

    @Test
    void selectRangeAndConcatKeepRows() {
        double[][] xy = data(2);
        for (PackedBlock.Storage st : PackedBlock.Storage.values()) {
            PackedBlock b = pack(xy, st, PackedBlock.Precision.FLOAT64, 0);
            PackedBlock c = PackedBlock.concat(List.of(b.range(0, 100, 0), b.range(100, 100, 100), b.range(100, N, 100)),
                    0, D, 1, st, PackedBlock.Precision.FLOAT64);
            assertArrayEquals(xy[0], dense(c));
            assertArrayEquals(xy[1], c.y());
            PackedBlock s = b.select(new int[] {5, 2, 7}, 3, 10);
            assertEquals(10, s.firstRow());
            double[] x = dense(s);
            assertArrayEquals(Arrays.copyOfRange(xy[0], 2 * D, 3 * D), Arrays.copyOfRange(x, D, 2 * D));
            assertArrayEquals(new double[] {xy[1][5], xy[1][2], xy[1][7]}, s.y());
        }
    }

    @Test
    void everyLayoutSurvivesJavaSerialization() throws Exception {
        double[][] xy = data(9);
        for (PackedBlock.Storage st : PackedBlock.Storage.values()) {
            for (PackedBlock.Precision pr : PackedBlock.Precision.values()) {
                PackedBlock b = pack(xy, st, pr, 7);
                b.slice(new EpochOrder(N + 7, true, 1, 1), 1, 0, 10); // fills the transient epoch cache
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                    out.writeObject(b);
                }
                PackedBlock c;
                try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                    c = (PackedBlock) in.readObject();
                }
                assertEquals(b.getClass(), c.getClass());
                assertEquals(b.describe(), c.describe());
                assertEquals(7, c.firstRow());
                assertArrayEquals(dense(b), dense(c));
                assertArrayEquals(b.y(), c.y());
            }
        }
    }

    @Test
    void shuffledSlicesHoldTheRowsAtTheirEpochPositionsInRowOrder() {
        // Rows 1000..1299 of a 5000-row data set; positions from the Feistel order.
        double[][] xy = data(3);
        PackedBlock b = pack(xy, PackedBlock.Storage.DENSE, PackedBlock.Precision.FLOAT64, 1000);
        EpochOrder o = new EpochOrder(5000, true, 9, 2);
        int seen = 0;
        for (long from = 0; from < 5000; from += 64) {
            long to = Math.min(5000, from + 64);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                long p = o.positionOf(1000 + i);
                if (p >= from && p < to) expected.add(i); // ascending i: rows in memory order
            }
            BlockSlice s = b.slice(o, 2, from, to);
            List<Integer> got = new ArrayList<>();
            for (int i = 0; i < s.length(); i++) got.add(s.contiguous() ? s.start() + i : s.rows()[i]);
            assertEquals(expected, got, "batch [" + from + ", " + to + ")");
            seen += got.size();
        }
        assertEquals(N, seen);
        // a batch holding every row of the block is a range, whatever the order
        BlockSlice whole = b.slice(o, 2, 0, 5000);
        assertTrue(whole.contiguous());
        assertEquals(0, whole.start());
        assertEquals(N, whole.length());
    }

    @Test
    void csrKernelGradientEqualsDenseKernelGradient() {
        double[][] xy = data(4);
        DenseBlock.Float64 dense = (DenseBlock.Float64) pack(xy, PackedBlock.Storage.DENSE, PackedBlock.Precision.FLOAT64, 0);
        CsrBlock.Float64 csr = (CsrBlock.Float64) pack(xy, PackedBlock.Storage.SPARSE, PackedBlock.Precision.FLOAT64, 0);
        for (String spec : new String[] {"linear(40,3)", "linear(40,16), tanh, linear(16,3)"}) {
            Sequential m = Sequential.parse(spec, "t");
            Loss loss = Losses.create("CrossEntropyLoss", Options.empty("loss"), 3);
            double[] p = m.initParams(5);
            BatchKernel k = new BatchKernel(m, loss);
            double[] a = new double[k.sumsLength()];
            double[] b = new double[k.sumsLength()];
            k.accumulate(p, dense.x(), dense.y(), 17, 250, a);
            k.accumulateCsr(p, csr.rowPtr(), csr.indices(), csr.values(), csr.y(), 17, 250, b);
            double scale = Arrays.stream(a).map(Math::abs).max().orElse(1);
            for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-12 * scale, spec + " sums[" + i + "]");
            double[] ea = new double[k.sumsLength()];
            double[] eb = new double[k.sumsLength()];
            k.evaluate(p, dense.x(), dense.y(), 0, N, ea);
            k.evaluateCsr(p, csr.rowPtr(), csr.indices(), csr.values(), csr.y(), 0, N, eb);
            assertEquals(ea[ea.length - 4], eb[eb.length - 4], 1e-12 * Math.abs(ea[ea.length - 4]), "loss");
        }
    }

    @Test
    void workerGivesTheSameSumsForEveryLayoutShuffledOrNot() {
        double[][] xy = data(6);
        double[][] rounded = {xy[0].clone(), xy[1]};
        for (int i = 0; i < rounded[0].length; i++) rounded[0][i] = (float) rounded[0][i];
        Sequential m = Sequential.parse("linear(40,8), relu, linear(8,3)", "t");
        Loss loss = Losses.create("CrossEntropyLoss", Options.empty("loss"), 3);
        double[] p = m.initParams(7);
        BlockWorker w = new BlockWorker(m, loss);
        for (boolean shuffle : new boolean[] {false, true}) {
            EpochOrder o = new EpochOrder(N, shuffle, 3, 1);
            double[] ref = sums(w, pack(xy, PackedBlock.Storage.DENSE, PackedBlock.Precision.FLOAT64, 0), o, p);
            double[] csr = sums(w, pack(xy, PackedBlock.Storage.SPARSE, PackedBlock.Precision.FLOAT64, 0), o, p);
            double scale = Arrays.stream(ref).map(Math::abs).max().orElse(1);
            for (int i = 0; i < ref.length; i++) assertEquals(ref[i], csr[i], 1e-12 * scale);
            // float32 storage computes exactly what float64 computes on float32-rounded inputs.
            double[] ref32 = sums(w, pack(rounded, PackedBlock.Storage.DENSE, PackedBlock.Precision.FLOAT64, 0), o, p);
            assertArrayEquals(ref32, sums(w, pack(xy, PackedBlock.Storage.DENSE, PackedBlock.Precision.FLOAT32, 0), o, p));
            double[] csr32 = sums(w, pack(xy, PackedBlock.Storage.SPARSE, PackedBlock.Precision.FLOAT32, 0), o, p);
            for (int i = 0; i < ref.length; i++) assertEquals(ref32[i], csr32[i], 1e-12 * scale);
        }
    }

    private static double[] sums(BlockWorker w, PackedBlock b, EpochOrder o, double[] p) {
        double[] s = new double[w.sumsLength()];
        w.accumulate(b, o, 1, 40, 240, p, s);
        return s;
    }

    @Test
    void sparseScalingDividesOnlyTheNonZeros() {
        double[][] xy = data(8);
        PackedBlock csr = pack(xy, PackedBlock.Storage.SPARSE, PackedBlock.Precision.FLOAT64, 0);
        double[] sum = new double[D];
        double[] sq = new double[D];
        csr.addMoments(sum, sq);
        Standardizer full = Standardizer.fromMoments(sum, sq, N);
        Standardizer st = new Standardizer(new double[D], full.std());
        PackedBlock scaled = csr.scaled(st);
        assertEquals(csr.nonZeros(), scaled.nonZeros());
        double[] x = dense(scaled);
        for (int i = 0; i < x.length; i++) assertEquals(xy[0][i] / full.std()[i % D], x[i], 1e-15);
    }
}
