package dev.sparktrain.nn;

import dev.sparktrain.config.Options;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BatchKernel} with a {@link Precision#FLOAT32} model: its summed gradient and loss against
 * the float64 kernel's, and chunk independence (a call over n rows is, bit for bit, the calls over
 * its 512-row chunks: no float sum spans two chunks). Dense and CSR input, an MLP with LayerNorm,
 * GELU and Dropout in train mode, and logistic regression, both with BCEWithLogitsLoss.
 */
class Float32KernelTest {
    static final int N = 1100; // two full chunks and a part
    static final int D = 20;
    static final String MLP = "Linear(20, 32), LayerNorm(32), GELU(), Dropout(p=0.3), Linear(32, 1)";
    static final String LOGISTIC = "Linear(20, 1)";
    static final long KEY = 1234;

    /** Rows as float-representable doubles (dense and CSR, ~30% non-zeros), their float32 copy and 0/1 targets. */
    record Data(double[] x, float[] x32, int[] ptr, int[] idx, double[] val, double[] y, long[] ids) {
        static Data make(long seed) {
            Random rng = new Random(seed);
            double[] x = new double[N * D];
            float[] x32 = new float[N * D];
            int[] ptr = new int[N + 1];
            int[] idx = new int[N * D];
            double[] val = new double[N * D];
            double[] y = new double[N];
            long[] ids = new long[N];
            int nz = 0;
            for (int r = 0; r < N; r++) {
                double s = 0;
                for (int j = 0; j < D; j++) {
                    if (rng.nextDouble() >= 0.3) continue;
                    float v = (float) rng.nextGaussian();
                    x[r * D + j] = v;
                    x32[r * D + j] = v;
                    idx[nz] = j;
                    val[nz++] = v;
                    s += v * (j % 3 - 1);
                }
                ptr[r + 1] = nz;
                y[r] = s + 0.3 * rng.nextGaussian() > 0 ? 1 : 0;
                ids[r] = 5_000 + 2L * r;
            }
            return new Data(x, x32, ptr, Arrays.copyOf(idx, nz), Arrays.copyOf(val, nz), y, ids);
        }
    }

    static final Data DATA = Data.make(8);
    /** Per-row sample weights in [0.5, 2). */
    static final double[] WEIGHTS = new Random(9).doubles(N, 0.5, 2).toArray();

    enum Input { DENSE64, DENSE32, CSR }

    static Sequential model(String spec, Precision p) {
        return Sequential.parse(spec, "t").withPrecision(p);
    }

    static Loss bce() {
        return Losses.create("BCEWithLogitsLoss", Options.empty("loss"), 1);
    }

    /** Sums of rows [row, row+n) in train mode, each row's draws keyed by its id; w: sample weights or null. */
    static void accumulate(BatchKernel k, double[] params, Input in, double[] w, int row, int n, double[] sums) {
        Pass pass = Pass.training(KEY, Arrays.copyOfRange(DATA.ids, row, row + n));
        switch (in) {
            case DENSE64 -> k.accumulate(params, DATA.x, DATA.y, w, row, n, sums, pass);
            case DENSE32 -> k.accumulate(params, DATA.x32, DATA.y, w, row, n, sums, pass);
            case CSR -> k.accumulateCsr(params, DATA.ptr, DATA.idx, DATA.val, DATA.y, w, row, n, sums, pass);
        }
    }

    static double[] sums(String spec, Precision p, double[] params, Input in, int row, int n) {
        return sums(spec, p, params, in, null, row, n);
    }

    static double[] sums(String spec, Precision p, double[] params, Input in, double[] w, int row, int n) {
        BatchKernel k = new BatchKernel(model(spec, p), bce());
        double[] sums = new double[k.sumsLength()];
        accumulate(k, params, in, w, row, n, sums);
        return sums;
    }

    /**
     * The float32 kernel's gradient and loss are the float64 kernel's within float rounding. Each
     * gradient element is compared against the sum of its rows' absolute terms S (from one-row
     * float64 calls): a float sum of k terms is off by about √k·2^-24·S (k = 512 rows: 1.3e-6·S at
     * worst, far less on average), and each term carries about 1e-7 of relative error from the
     * float forward pass; the worst error seen is 1.4e-7·S, so 1e-6·S. The loss, a float64 sum of
     * positive terms from float outputs, is within 4e-9 of itself; 1e-7 allowed. The float32 result
     * must also differ from the float64 one: it is computed in float.
     */
    @Test
    void float32GradientAndLossMatchTheFloat64Kernel() {
        for (String spec : new String[] {MLP, LOGISTIC}) {
            double[] params = model(spec, Precision.FLOAT64).initParams(3);
            double[] scale = new double[params.length];
            for (int r = 0; r < N; r++) {
                double[] one = sums(spec, Precision.FLOAT64, params, Input.DENSE64, r, 1);
                for (int i = 0; i < params.length; i++) scale[i] += Math.abs(one[i]);
            }
            double[] ref = sums(spec, Precision.FLOAT64, params, Input.DENSE64, 0, N);
            for (Input in : Input.values()) {
                String what = spec + " " + in;
                double[] s32 = sums(spec, Precision.FLOAT32, params, in, 0, N);
                for (int i = 0; i < params.length; i++) {
                    assertTrue(Math.abs(s32[i] - ref[i]) <= 1e-6 * scale[i], what + " gradient[" + i + "]: float32 " + s32[i]
                            + ", float64 " + ref[i] + ", Σ|terms| " + scale[i]);
                }
                double loss = ref[BatchKernel.stat(ref, BatchKernel.LOSS)];
                assertEquals(loss, s32[BatchKernel.stat(s32, BatchKernel.LOSS)], 1e-7 * loss, what + " loss");
                for (int k : new int[] {BatchKernel.NORM, BatchKernel.ROWS}) {
                    assertEquals(ref[BatchKernel.stat(ref, k)], s32[BatchKernel.stat(s32, k)], what + " stat " + k);
                }
                assertFalse(Arrays.equals(ref, s32), what + ": computed in float, not the float64 bits");
            }
        }
    }

    /**
     * A call over N rows equals, to the bit, the calls over its 512-row chunks added into one sums
     * vector in order, with and without sample weights.
     */
    @Test
    void aCallIsTheSumOfItsChunksBitForBit() {
        for (String spec : new String[] {MLP, LOGISTIC}) {
            double[] params = model(spec, Precision.FLOAT64).initParams(4);
            for (Input in : Input.values()) {
                for (double[] w : new double[][] {null, WEIGHTS}) {
                    double[] whole = sums(spec, Precision.FLOAT32, params, in, w, 0, N);
                    BatchKernel k = new BatchKernel(model(spec, Precision.FLOAT32), bce());
                    double[] chunks = new double[k.sumsLength()];
                    for (int start = 0; start < N; start += BatchKernel.CHUNK) {
                        accumulate(k, params, in, w, start, Math.min(BatchKernel.CHUNK, N - start), chunks);
                    }
                    assertArrayEquals(bits(whole), bits(chunks), spec + " " + in + (w == null ? "" : " weighted"));
                }
            }
        }
    }

    /** The float32 rows as stored and the same values as float64 rows give the same bits in a float32 kernel. */
    @Test
    void float32AndFloat64StorageOfTheSameValuesGiveTheSameBits() {
        for (String spec : new String[] {MLP, LOGISTIC}) {
            double[] params = model(spec, Precision.FLOAT64).initParams(6);
            double[] dense64 = sums(spec, Precision.FLOAT32, params, Input.DENSE64, 100, 700);
            assertArrayEquals(bits(dense64), bits(sums(spec, Precision.FLOAT32, params, Input.DENSE32, 100, 700)), spec);
        }
    }

    static long[] bits(double[] v) {
        return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
    }
}
