package dev.sparktrain.spark.eval;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.nn.Activation;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Dropout;
import dev.sparktrain.nn.Linear;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.store.OnnxExport;
import dev.sparktrain.store.OnnxExport.Probabilities;
import dev.sparktrain.store.Safetensors.Dtype;
import dev.sparktrain.store.TrainedDigits;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX Runtime loads every exported model and computes what predict computes: the network's
 * outputs (from which it takes the class) and the class probabilities, on the digits (dense,
 * standardized) and on a sparse model (its rows as CSR for us, densified for the runtime);
 * float64 to 1e-12 and float32 to 1e-5, relative to max(1, |value|).
 */
class OnnxRuntimeTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static TrainedDigits digits;

    @BeforeAll
    static void train() {
        digits = new TrainedDigits();
    }

    @Test
    void digitsOutputsAndProbabilitiesMatchPredictInFloat64AndFloat32() throws OrtException {
        int n = digits.rows;
        double[] ours = forward(digits.model, digits.params, digits.scaled(digits.x), n);
        OnnxExport.Scaling scaling = new OnnxExport.Scaling(digits.standardizer.mean(), digits.standardizer.std());
        for (Dtype dtype : Dtype.values()) {
            double tol = dtype == Dtype.F64 ? 1e-12 : 1e-5;
            byte[] onnx = OnnxExport.bytes(digits.model, digits.params, scaling, Probabilities.SOFTMAX, dtype, Map.of());
            Map<String, double[]> got = run(onnx, digits.x, n, 64, dtype);
            assertClose(ours, got.get("output"), tol, dtype + " output");
            double[] p = new double[10];
            double[] want = new double[n * 10];
            for (int i = 0; i < n; i++) {
                Scoring.probabilities(ours, i, 10, p);
                System.arraycopy(p, 0, want, i * 10, 10);
            }
            assertClose(want, got.get("probabilities"), tol, dtype + " probabilities");
            int same = 0;
            for (int i = 0; i < n; i++) if (Scoring.predictedClass(got.get("output"), i, 10) == Scoring.predictedClass(ours, i, 10)) same++;
            assertEquals(n, same, dtype + ": every row's predicted class");
        }
    }

    @Test
    void withoutStandardizationOrProbabilitiesTheGraphHasOneOutput() throws OrtException {
        double[] raw = digits.x;
        double[] ours = forward(digits.model, digits.params, raw, 50);
        Map<String, double[]> got = run(OnnxExport.bytes(digits.model, digits.params, null, Probabilities.NONE, Dtype.F64,
                Map.of("model", TrainedDigits.SPEC)), raw, 50, 64, Dtype.F64);
        assertEquals(List.of("output"), List.copyOf(got.keySet()));
        assertClose(ours, got.get("output"), 1e-12, "unscaled output");
    }

    /** A sparse binary model (a CSR first layer, a single logit, tanh, sigmoid, dropout in eval mode) with the std-only scaling. */
    @Test
    void sparseModelMatchesItsCsrForwardAndSigmoid() throws OrtException {
        int d = 40;
        int n = 200;
        Sequential model = new Sequential(List.of(new Linear(d, 16), new Activation(Activation.Kind.TANH, 16),
                new Dropout(0.3, 16), new Linear(16, 8), new Activation(Activation.Kind.SIGMOID, 8), new Linear(8, 1)));
        double[] params = model.initParams(5);
        Random rng = new Random(9);
        int[] ptr = new int[n + 1];
        List<Integer> idx = new java.util.ArrayList<>();
        List<Double> val = new java.util.ArrayList<>();
        double[] dense = new double[n * d];
        double[] std = new double[d];
        for (int j = 0; j < d; j++) std[j] = 0.5 + rng.nextDouble();
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < d; j++) {
                if (rng.nextDouble() < 0.1) {
                    double v = rng.nextGaussian() * 3;
                    idx.add(j);
                    val.add(v / std[j]); // what predict hands the kernel: x / std
                    dense[r * d + j] = v;
                }
            }
            ptr[r + 1] = idx.size();
        }
        BatchKernel k = new BatchKernel(model, Losses.create("BCEWithLogitsLoss", Options.empty("l"), 1));
        double[] ours = k.forwardCsr(params, ptr, idx.stream().mapToInt(Integer::intValue).toArray(),
                val.stream().mapToDouble(Double::doubleValue).toArray(), 0, n).clone();
        OnnxExport.Scaling scaling = new OnnxExport.Scaling(new double[d], std);
        for (Dtype dtype : Dtype.values()) {
            double tol = dtype == Dtype.F64 ? 1e-12 : 1e-5;
            Map<String, double[]> got = run(OnnxExport.bytes(model, params, scaling, Probabilities.SIGMOID, dtype, Map.of()),
                    dense, n, d, dtype);
            assertClose(java.util.Arrays.copyOf(ours, n), got.get("output"), tol, dtype + " sparse output");
            double[] p = new double[1];
            double[] want = new double[n];
            for (int i = 0; i < n; i++) {
                Scoring.probabilities(ours, i, 1, p);
                want[i] = p[0];
            }
            assertClose(want, got.get("probabilities"), tol, dtype + " sparse probability");
        }
    }

    /** Every layer's ONNX form against our forward pass, in a small network, on rows wide enough for every branch. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"ReLU()", "Tanh()", "Sigmoid()", "Dropout(0.5)", "Identity()",
            "GELU()", "GELU(approximate='tanh')", "SiLU()", "LeakyReLU()", "LeakyReLU(0.2)", "ELU()", "ELU(alpha=0.5)",
            "Softplus()", "Softplus(beta=2, threshold=3)", "Mish()", "Hardswish()", "LayerNorm(8)", "LayerNorm(8, eps=0.1)",
            "LayerNorm(8, elementwise_affine=False)", "LogSoftmax(dim=1)"})
    void everyLayerMatchesOurForwardPass(String layer) throws OrtException {
        Sequential model = dev.sparktrain.nn.ModelSpec.of("Linear(5, 8), " + layer + ", Linear(8, 3, bias=False), " + layer
                .replace("(8", "(3"), "test").build();
        Random rng = new Random(layer.hashCode());
        double[] params = model.initParams(3);
        for (int i = 0; i < params.length; i++) params[i] += rng.nextGaussian() * 0.5; // LayerNorm's ones and zeros too
        int n = 300;
        double[] x = new double[n * 5];
        for (int i = 0; i < x.length; i++) x[i] = rng.nextGaussian() * (i % 7 + 1);
        double[] ours = forward(model, params, x, n);
        for (Dtype dtype : Dtype.values()) {
            if (layer.equals("GELU()") && dtype == Dtype.F64) {
                assertEquals("export to ONNX: layer 1 (GELU()) needs Erf, which ONNX Runtime computes only in float32: export "
                        + "with --dtype float32", assertThrows(SparkTrainException.class, () ->
                        OnnxExport.bytes(model, params, null, Probabilities.NONE, Dtype.F64, Map.of())).getMessage());
                continue;
            }
            Map<String, double[]> got = run(OnnxExport.bytes(model, params, null, Probabilities.NONE, dtype, Map.of()), x, n, 5, dtype);
            assertClose(ours, got.get("output"), dtype == Dtype.F64 ? 1e-12 : 1e-5, layer + " " + dtype);
        }
    }

    @Test
    void aLayerWithoutAnOnnxFormIsRefusedInOneLine() {
        Sequential model = new Sequential(List.of(new Linear(3, 2), new Opaque(2)));
        SparkTrainException e = assertThrows(SparkTrainException.class, () ->
                OnnxExport.bytes(model, model.initParams(1), null, Probabilities.NONE, Dtype.F32, Map.of()));
        assertEquals("export to ONNX: layer 1 (opaque) has no ONNX form here; export it as safetensors instead", e.getMessage());
    }

    /** A layer no exporter knows. */
    private record Opaque(int features) implements dev.sparktrain.nn.Layer {
        @Override
        public int inFeatures() {
            return features;
        }

        @Override
        public int outFeatures() {
            return features;
        }

        @Override
        public void forward(double[] params, int off, double[] in, int inOff, int n, double[] out) {
            System.arraycopy(in, inOff, out, 0, n * features);
        }

        @Override
        public void backward(double[] params, int off, double[] in, int inOff, double[] out, double[] dOut, int n,
                             double[] grad, double[] dIn) {
        }

        @Override
        public String spec() {
            return "opaque";
        }
    }

    private static double[] forward(Sequential model, double[] params, double[] x, int n) {
        BatchKernel k = new BatchKernel(model, Losses.create("MSELoss", Options.empty("l"), model.outFeatures()));
        double[] out = new double[n * model.outFeatures()];
        for (int from = 0; from < n; from += BatchKernel.CHUNK) {
            int m = Math.min(BatchKernel.CHUNK, n - from);
            double[] o = k.forward(params, x, from * model.inFeatures(), m);
            System.arraycopy(o, 0, out, from * model.outFeatures(), m * model.outFeatures());
        }
        return out;
    }

    /** Runs the model on {@code n} rows; every output, flattened to doubles, by name in graph order. */
    private static Map<String, double[]> run(byte[] onnx, double[] x, int n, int d, Dtype dtype) throws OrtException {
        try (OrtSession s = ENV.createSession(onnx, new OrtSession.SessionOptions())) {
            assertEquals("batch", ((ai.onnxruntime.TensorInfo) s.getInputInfo().get("input").getInfo()).getDimensionNames()[0]);
            OnnxTensor in;
            if (dtype == Dtype.F64) {
                in = OnnxTensor.createTensor(ENV, DoubleBuffer.wrap(x, 0, n * d), new long[] {n, d});
            } else {
                float[] f = new float[n * d];
                for (int i = 0; i < f.length; i++) f[i] = (float) x[i];
                in = OnnxTensor.createTensor(ENV, FloatBuffer.wrap(f), new long[] {n, d});
            }
            try (in; OrtSession.Result r = s.run(Map.of("input", in))) {
                Map<String, double[]> out = new java.util.LinkedHashMap<>();
                for (Map.Entry<String, ai.onnxruntime.OnnxValue> e : r) {
                    OnnxTensor t = (OnnxTensor) e.getValue();
                    double[] v;
                    if (dtype == Dtype.F64) {
                        DoubleBuffer b = t.getDoubleBuffer();
                        v = new double[b.remaining()];
                        b.get(v);
                    } else {
                        FloatBuffer b = t.getFloatBuffer();
                        v = new double[b.remaining()];
                        for (int i = 0; i < v.length; i++) v[i] = b.get(i);
                    }
                    out.put(e.getKey(), v);
                }
                return out;
            }
        }
    }

    private static void assertClose(double[] want, double[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(want[i] - got[i]) / Math.max(1, Math.abs(want[i]));
            assertTrue(err <= tol, what + "[" + i + "]: ours " + want[i] + ", ONNX Runtime " + got[i]);
        }
    }
}
