package dev.sparktrain.train;

import dev.sparktrain.config.Options;
import dev.sparktrain.data.BlockSlice;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Precision;
import dev.sparktrain.nn.Sequential;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A float32 model reads float32-stored rows ({@code PackedBlock.denseFloat}, {@code csrFloat}) as
 * they are; float64 storage of the same float-representable values is narrowed to the same floats.
 * Through {@link BlockWorker} both give the same bits: training sums (contiguous and shuffled
 * rows, Dropout drawing per row), evaluation stats and outputs.
 */
class Float32StorageTest {
    static final int ROWS = 1300;
    static final int D = 12;
    static final long FIRST = 4000; // a block in the middle of the data set: row ids are global
    static final long N = 9000;
    static final Sequential MODEL = Sequential.parse("Linear(12, 24), LayerNorm(24), GELU(), Dropout(p=0.3), Linear(24, 3)", "t")
            .withPrecision(Precision.FLOAT32);

    /** The same float values stored four ways: dense and CSR, float64 and float32 (~half the features zero). */
    static PackedBlock[] blocks() {
        Random rng = new Random(2);
        float[] x32 = new float[ROWS * D];
        double[] y = new double[ROWS];
        int[] ptr = new int[ROWS + 1];
        int[] idx = new int[ROWS * D];
        float[] val32 = new float[ROWS * D];
        int nz = 0;
        for (int r = 0; r < ROWS; r++) {
            for (int j = 0; j < D; j++) {
                if (rng.nextBoolean()) continue;
                x32[r * D + j] = (float) (rng.nextGaussian() * 1.7);
                idx[nz] = j;
                val32[nz++] = x32[r * D + j];
            }
            ptr[r + 1] = nz;
            y[r] = rng.nextInt(3);
        }
        int[] idxN = Arrays.copyOf(idx, nz);
        float[] valN = Arrays.copyOf(val32, nz);
        return new PackedBlock[] {
            PackedBlock.denseFloat(FIRST, ROWS, D, 1, x32, y),
            PackedBlock.dense(FIRST, ROWS, D, 1, wide(x32), y),
            PackedBlock.csrFloat(FIRST, ROWS, D, 1, ptr, idxN, valN, y),
            PackedBlock.csr(FIRST, ROWS, D, 1, ptr, idxN, wide(valN), y),
        };
    }

    static double[] wide(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }

    static long[] bits(double[] v) {
        return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    /** Everything a worker computes from a block: two training steps (in order, shuffled), evaluation, outputs. */
    static long[] everything(PackedBlock b, double[] params) {
        BlockWorker w = new BlockWorker(MODEL, Losses.create("CrossEntropyLoss", Options.empty("loss"), 3));
        double[] inOrder = new double[w.sumsLength()];
        w.accumulate(b, new EpochOrder(N, false, 7, 0), 0, FIRST + 50, FIRST + 1250, params, inOrder); // contiguous
        double[] shuffled = new double[w.sumsLength()];
        w.accumulate(b, new EpochOrder(N, true, 7, 1), 1, 0, 6000, params, shuffled); // ~860 rows, gathered
        double[] eval = new double[w.sumsLength()];
        w.evaluate(b, params, eval);
        double[] part = w.evaluateStats(b, BlockSlice.range(3, 700), params);
        double[] out = w.forward(b, 600, 512, params).clone();
        double[] all = new double[0];
        for (double[] v : new double[][] {inOrder, shuffled, eval, part, out}) {
            double[] next = Arrays.copyOf(all, all.length + v.length);
            System.arraycopy(v, 0, next, all.length, v.length);
            all = next;
        }
        return bits(all);
    }

    @Test
    void float32AndFloat64StorageOfTheSameValuesGiveTheSameBits() {
        double[] params = MODEL.initParams(11);
        PackedBlock[] b = blocks();
        long[] dense32 = everything(b[0], params);
        assertArrayEquals(dense32, everything(b[1], params), "dense: float32 storage against float64 storage");
        assertArrayEquals(everything(b[2], params), everything(b[3], params), "CSR: float32 storage against float64 storage");
        BlockWorker w64 = new BlockWorker(MODEL.withPrecision(Precision.FLOAT64),
                Losses.create("CrossEntropyLoss", Options.empty("loss"), 3));
        double[] sums64 = new double[w64.sumsLength()];
        w64.accumulate(b[0], new EpochOrder(N, false, 7, 0), 0, FIRST + 50, FIRST + 1250, params, sums64);
        double[] sums32 = new double[w64.sumsLength()];
        new BlockWorker(MODEL, Losses.create("CrossEntropyLoss", Options.empty("loss"), 3))
                .accumulate(b[0], new EpochOrder(N, false, 7, 0), 0, FIRST + 50, FIRST + 1250, params, sums32);
        assertFalse(Arrays.equals(sums64, sums32), "the float32 model computes in float: not the float64 bits");
    }
}
