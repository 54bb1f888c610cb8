package dev.sparktrain.nn;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every registered layer's float32 path ({@link Layer#forward32}, {@link Layer#backward32})
 * against its float64 path on the same float-representable inputs, weights and output gradients:
 * outputs, input gradient and parameter gradient.
 *
 * <p>Tolerance {@code |a − b| <= 1e-5·(1 + |b|)}: each float operation rounds by at most 2^-24
 * (6e-8) of its result, so a float sum of k terms is off by about √k·6e-8 of the terms' sizes. The
 * largest sums here are a Linear's weight gradient, 37 row products x·dy of size ~2.5 (about 2e-6),
 * and its output, 64 products (below 1e-6); the worst error seen is 2.7e-6·(1 + |b|). A slip in a
 * formula (a missing term, another dropout mask or scale, a gradient written instead of added) is
 * off by far more.
 */
class Float32LayersTest {
    static final double TOL = 1e-5;
    private static final int N = 37;
    /** The widths the layers get; each entry follows a Linear(W, W). Together they name every registered layer. */
    private static final int W = 64;
    private static final List<String> LAYERS = List.of("Linear(64, 32)", "Linear(64, 1)", "Linear(64, 16, bias=False)", "ReLU",
            "Tanh", "Sigmoid", "GELU", "GELU(approximate='tanh')", "SiLU", "LeakyReLU(0.2)", "ELU(alpha=0.7)",
            "Softplus(beta=2, threshold=1.5)", "Softplus", "Mish", "Hardswish", "LayerNorm(64)",
            "LayerNorm(64, eps=0.1, elementwise_affine=False)", "Dropout(0.3)", "Dropout(0)", "LogSoftmax(dim=1)", "Identity");

    @Test
    void everyRegisteredLayerIsChecked() {
        Set<String> named = new TreeSet<>();
        for (String l : LAYERS) named.add(layer(l).spec().replaceFirst("\\(.*", ""));
        assertEquals(new TreeSet<>(Layers.names()), named);
    }

    @Test
    void float32MatchesFloat64ForEveryLayerInEvalAndTrainMode() {
        Random rng = new Random(5);
        long[] ids = new long[N];
        for (int i = 0; i < N; i++) ids[i] = 1_000 + 3L * i;
        for (String spec : LAYERS) {
            Layer l = layer(spec);
            for (boolean training : new boolean[] {false, true}) {
                String what = spec + (training ? " train" : " eval");
                Pass p64 = training ? Pass.training(99, ids) : Pass.EVAL;
                Pass p32 = training ? Pass.training(99, ids) : Pass.EVAL;
                p64.at(0);
                p32.at(0);
                float[] x = gaussian(rng, N * l.inFeatures(), 2.5, 5);
                // initialisation-sized weights (±1/√in for a Linear), around 1 for a LayerNorm's γ
                float[] params = gaussian(rng, l.paramCount(), 1 / Math.sqrt(l.inFeatures()), 2);
                if (l instanceof LayerNorm) for (int j = 0; j < l.paramCount() / 2; j++) params[j] += 1;
                float[] dY = gaussian(rng, N * l.outFeatures(), 1, 0);
                float[] grad0 = gaussian(rng, l.paramCount(), 1, 0); // backward adds into what is there

                double[] y64 = new double[dY.length];
                l.forward(wide(params), 0, wide(x), 0, N, y64, p64);
                double[] dX64 = new double[x.length];
                double[] grad64 = wide(grad0);
                l.backward(wide(params), 0, wide(x), 0, y64, wide(dY), N, grad64, dX64, p64);

                // the float32 path reads its input at an offset, as the kernel's first layer does
                float[] xAt = new float[7 + x.length];
                System.arraycopy(x, 0, xAt, 7, x.length);
                float[] y32 = new float[dY.length];
                l.forward32(params, 0, xAt, 7, N, y32, p32);
                float[] dX32 = new float[x.length];
                Arrays.fill(dX32, Float.NaN); // every element must be written
                float[] grad32 = grad0.clone();
                l.backward32(params, 0, xAt, 7, y32, dY, N, grad32, dX32, p32);
                assertClose(what + " output", y64, y32);
                assertClose(what + " dIn", dX64, dX32);
                assertClose(what + " parameter gradient", grad64, grad32);

                float[] gradNoDIn = grad0.clone(); // a first layer: no input gradient asked for
                l.backward32(params, 0, xAt, 7, y32, dY, N, gradNoDIn, null, p32);
                assertTrue(Arrays.equals(grad32, gradNoDIn), what + ": the parameter gradient without dIn");
            }
        }
    }

    @Test
    void float32DropoutKeepsTheFloat64MaskAndScalesAsPyTorchsFloatKernel() {
        double p = 0.15; // where PyTorch's 1f / (float) (1 - p) and 1/(1-p) rounded to float differ by an ulp
        Dropout d = new Dropout(p, W);
        long[] ids = {5, 77, 12_345_678_901L, 6};
        Pass pass = Pass.training(31, ids);
        pass.at(0);
        float[] x = new float[ids.length * W];
        Arrays.fill(x, 3f);
        double[] y64 = new double[x.length];
        d.forward(null, 0, wide(x), 0, ids.length, y64, pass);
        float[] y32 = new float[x.length];
        d.forward32(null, 0, x, 0, ids.length, y32, pass);
        float scale = 1f / (float) (1 - p);
        assertTrue(scale != (float) (1 / (1 - p)), "p chosen where the two roundings differ");
        int dropped = 0;
        for (int i = 0; i < x.length; i++) {
            assertEquals(y64[i] == 0 ? 0f : 3f * scale, y32[i], "unit " + i);
            if (y32[i] == 0) dropped++;
        }
        assertTrue(dropped > 0 && dropped < x.length, "some units dropped, some kept: " + dropped);
        float[] evalOut = new float[x.length];
        d.forward32(null, 0, x, 0, ids.length, evalOut, Pass.EVAL);
        assertTrue(Arrays.equals(x, evalOut), "eval mode is the identity");
    }

    /** A registered layer as the parser builds it after a Linear(W, W). */
    static Layer layer(String spec) {
        return Sequential.parse("Linear(" + W + ", " + W + "), " + spec, "t").layers().get(1);
    }

    /** n Gaussian floats of standard deviation sd; every {@code ties}-th one repeats its neighbour (ties for max/ReLU). */
    static float[] gaussian(Random rng, int n, double sd, int ties) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = ties > 0 && i % ties == 1 ? v[i - 1] : (float) (rng.nextGaussian() * sd);
        return v;
    }

    static double[] wide(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) d[i] = v[i];
        return d;
    }

    static void assertClose(String what, double[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(actual[i] - expected[i]);
            assertTrue(err <= TOL * (1 + Math.abs(expected[i])), what + "[" + i + "]: float32 " + actual[i] + ", float64 "
                    + expected[i]);
        }
    }
}
