package dev.sparktrain.nn;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every registered layer's backward against central differences of {@code L = Σ y·dY}, for the
 * input and every parameter, with the layer as the parser builds it. PyTorch's own numbers are
 * the layer golden cases ({@code tools/golden/gen_layers.py}).
 */
class LayerGradientTest {
    private static final int D = 6;
    private static final int N = 5;
    /** Each entry after a Linear(D, D); together they name every layer of the registry. */
    private static final List<String> LAYERS = List.of("Linear(6, 4)", "Linear(6, 3, bias=False)", "ReLU", "Tanh", "Sigmoid",
            "GELU", "GELU(approximate='tanh')", "SiLU", "LeakyReLU(0.2)", "ELU(alpha=0.7)", "Softplus(beta=2, threshold=1.5)",
            "Softplus", "Mish", "Hardswish", "LayerNorm(6)", "LayerNorm(6, eps=0.1, elementwise_affine=False)", "Dropout(0.3)",
            "LogSoftmax(dim=1)", "Identity");

    @Test
    void everyLayerIsChecked() {
        Set<String> named = new TreeSet<>();
        for (String l : LAYERS) named.add(layer(l).spec().replaceFirst("\\(.*", ""));
        assertEquals(new TreeSet<>(Layers.names()), named);
    }

    @Test
    void backwardMatchesCentralDifferences() {
        Random rng = new Random(17);
        for (String spec : LAYERS) {
            Layer l = layer(spec);
            double[] x = new double[N * D];
            for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian() * 2.5;
            double[] p = new double[l.paramCount()];
            for (int i = 0; i < p.length; i++) p[i] = rng.nextGaussian();
            double[] dY = new double[N * l.outFeatures()];
            for (int i = 0; i < dY.length; i++) dY[i] = rng.nextGaussian();

            double[] y = new double[dY.length];
            l.forward(p, 0, x, 0, N, y);
            double[] grad = new double[p.length];
            double[] dX = new double[x.length];
            l.backward(p, 0, x, 0, y, dY, N, grad, dX);
            for (int i = 0; i < x.length; i++) check(spec + " dx[" + i + "]", dX[i], numeric(l, p, x, dY, x, i));
            for (int i = 0; i < p.length; i++) check(spec + " dparam[" + i + "]", grad[i], numeric(l, p, x, dY, p, i));
        }
    }

    /** dL/dv[i] by central differences, v being the input or the parameters. */
    private static double numeric(Layer l, double[] p, double[] x, double[] dY, double[] v, int i) {
        double h = 1e-6 * Math.max(1, Math.abs(v[i]));
        double keep = v[i];
        v[i] = keep + h;
        double up = loss(l, p, x, dY);
        v[i] = keep - h;
        double down = loss(l, p, x, dY);
        v[i] = keep;
        return (up - down) / (2 * h);
    }

    private static double loss(Layer l, double[] p, double[] x, double[] dY) {
        double[] y = new double[dY.length];
        l.forward(p, 0, x, 0, N, y);
        double s = 0;
        for (int i = 0; i < y.length; i++) s += y[i] * dY[i];
        return s;
    }

    private static void check(String what, double analytic, double numeric) {
        assertTrue(Math.abs(analytic - numeric) <= 1e-6 * Math.max(1, Math.abs(numeric)),
                what + ": backward " + analytic + ", central difference " + numeric);
    }

    private static Layer layer(String spec) {
        List<Layer> ls = Sequential.parse("Linear(" + D + ", " + D + "), " + spec, "t").layers();
        return ls.get(1);
    }
}
