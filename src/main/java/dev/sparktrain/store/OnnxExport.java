package dev.sparktrain.store;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.nn.Activation;
import dev.sparktrain.nn.Dropout;
import dev.sparktrain.nn.ELU;
import dev.sparktrain.nn.GELU;
import dev.sparktrain.nn.Hardswish;
import dev.sparktrain.nn.Identity;
import dev.sparktrain.nn.Layer;
import dev.sparktrain.nn.LayerNorm;
import dev.sparktrain.nn.LeakyReLU;
import dev.sparktrain.nn.Linear;
import dev.sparktrain.nn.LogSoftmax;
import dev.sparktrain.nn.Mish;
import dev.sparktrain.nn.SiLU;
import dev.sparktrain.nn.Softplus;
import dev.sparktrain.nn.Sequential;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trained network as an ONNX model (opset {@value #OPSET}, IR version {@value #IR_VERSION}):
 * input {@code input [batch, features]} (a named dynamic batch dimension), the saved
 * standardization as the first nodes ({@code Sub}, {@code Div}: the same arithmetic as
 * {@code predict}), one node per layer with its weights as initializers named by their
 * {@code state_dict} keys, output {@code output} (what {@code predict} computes its prediction
 * from: logits, or the value for regression) and optionally {@code probabilities} (Softmax over
 * the classes, or Sigmoid of a single logit). Float32 or float64 throughout. What each layer
 * becomes is {@link #layer}: a new layer is one case there.
 */
public final class OnnxExport {
    public static final int OPSET = 13;
    /** The IR version of opset 13 (ONNX 1.8). */
    public static final int IR_VERSION = 7;
    private static final int FLOAT = 1;
    private static final int DOUBLE = 11;
    private static final int ATTRIBUTE_INT = 2;
    private static final int ATTRIBUTE_INTS = 7;
    private static final long MAX_BYTES = Integer.MAX_VALUE - 16; // protobuf messages stop at 2 GB

    /** What the graph adds after the network: nothing, a softmax over the outputs, or a sigmoid of the one logit. */
    public enum Probabilities { NONE, SOFTMAX, SIGMOID }

    /** The feature scaling {@code (x - mean) / std} applied before the first layer, as predict applies it. */
    public record Scaling(double[] mean, double[] std) {
    }

    private final Sequential model;
    private final double[] params;
    private final int elemType;
    private final ProtoWriter graph = new ProtoWriter();
    private long weightBytes;

    private OnnxExport(Sequential model, double[] params, Safetensors.Dtype dtype) {
        this.model = model;
        this.params = params;
        this.elemType = dtype == Safetensors.Dtype.F64 ? DOUBLE : FLOAT;
    }

    /**
     * The model file's bytes. {@code scaling} may be null; {@code properties} (e.g. the layer spec
     * and class names) go into the model's metadata_props.
     */
    public static byte[] bytes(Sequential model, double[] params, Scaling scaling, Probabilities probabilities,
                               Safetensors.Dtype dtype, Map<String, String> properties) {
        if (params.length != model.paramCount()) {
            throw new IllegalArgumentException(params.length + " parameters for a model of " + model.paramCount());
        }
        return new OnnxExport(model, params, dtype).model(scaling, probabilities, properties);
    }

    private byte[] model(Scaling scaling, Probabilities probabilities, Map<String, String> properties) {
        graph.string(2, "sparktrain");
        graph.message(11, valueInfo("input", model.inFeatures()));
        String x = "input";
        if (scaling != null) {
            initializer("standardize.mean", new long[] {scaling.mean().length}, scaling.mean(), 0, scaling.mean().length);
            initializer("standardize.std", new long[] {scaling.std().length}, scaling.std(), 0, scaling.std().length);
            x = node("Sub", "standardize.centered", List.of(x, "standardize.mean"), null);
            x = node("Div", "standardize.scaled", List.of(x, "standardize.std"), null);
        }
        List<Layer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) x = layer(i, layers.get(i), x);
        x = node("Identity", "output", List.of(x), null);
        graph.message(12, valueInfo("output", model.outFeatures()));
        if (probabilities != Probabilities.NONE) {
            boolean softmax = probabilities == Probabilities.SOFTMAX;
            node(softmax ? "Softmax" : "Sigmoid", "probabilities", List.of(x), softmax ? attributeInt("axis", 1) : null);
            graph.message(12, valueInfo("probabilities", model.outFeatures()));
        }
        ProtoWriter m = new ProtoWriter()
                .varint(1, IR_VERSION)
                .string(2, "sparktrain")
                .message(7, graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, OPSET));
        properties.forEach((k, v) -> m.message(14, new ProtoWriter().string(1, k).string(2, v)));
        return m.toByteArray();
    }

    /**
     * Layer {@code i}'s nodes from input {@code x}; returns the name of its output. The one place
     * that knows each layer's ONNX form: opset-13 operators, composed where opset 13 has no
     * single operator with PyTorch's numbers (constants are float64 initializers in a float64
     * model, so nothing is rounded through an attribute's float32).
     */
    private String layer(int i, Layer l, String x) {
        Ops o = new Ops(i);
        if (l instanceof Linear) {
            List<String> inputs = new ArrayList<>(List.of(x));
            for (StateDict.Entry e : StateDict.ofLayer(model, i)) {
                initializer(e.key(), e.shape(), params, e.offset(), e.length());
                inputs.add(e.key());
            }
            // Gemm: x · Wᵀ (+ b), W kept [out, in] as PyTorch stores it; without a bias C is left out
            return o.opWith("Gemm", attributeInt("transB", 1), inputs.toArray(String[]::new));
        }
        if (l instanceof Activation a) {
            return o.op(switch (a.kind()) {
                case RELU -> "Relu";
                case TANH -> "Tanh";
                case SIGMOID -> "Sigmoid";
            }, x);
        }
        if (l instanceof Dropout || l instanceof Identity) return o.op("Identity", x); // Dropout: eval mode
        if (l instanceof LeakyReLU r) {
            return o.op("Where", o.op("Greater", x, o.constant("zero", 0)), x, o.op("Mul", x, o.constant("negative_slope", r.negativeSlope())));
        }
        if (l instanceof ELU e) {
            String expm1 = o.op("Sub", o.op("Exp", x), o.constant("one", 1));
            return o.op("Where", o.op("Greater", x, o.constant("zero", 0)), x, o.op("Mul", expm1, o.constant("alpha", e.alpha())));
        }
        if (l instanceof GELU g && !g.approximateTanh()) { // x · ½ · (1 + erf(x/√2))
            if (elemType == DOUBLE) {
                throw new SparkTrainException("export to ONNX: layer " + i + " (" + l.spec() + ") needs Erf, which ONNX "
                        + "Runtime computes only in float32: export with --dtype float32");
            }
            String erf = o.op("Erf", o.op("Mul", x, o.constant("sqrt1_2", 0.7071067811865476)));
            return o.op("Mul", o.op("Mul", x, o.constant("half", 0.5)), o.op("Add", o.constant("one", 1), erf));
        }
        if (l instanceof GELU) { // ½x · (1 + tanh(√(2/π) · (x + 0.044715·x³)))
            String cube = o.op("Mul", o.op("Mul", o.op("Mul", o.constant("kappa", 0.044715), x), x), x);
            String t = o.op("Tanh", o.op("Mul", o.constant("beta", 0.7978845608028654), o.op("Add", x, cube)));
            return o.op("Mul", o.op("Mul", o.constant("half", 0.5), x), o.op("Add", o.constant("one", 1), t));
        }
        if (l instanceof SiLU) { // x / (1 + e^−x); x · Sigmoid(x) would be fused into a float32-only kernel
            return o.op("Div", x, o.op("Add", o.constant("one", 1), o.op("Exp", o.op("Neg", x))));
        }
        if (l instanceof Softplus p) { // x where βx > threshold, else log(1 + e^(βx)) / β
            String z = o.op("Mul", x, o.constant("beta", p.beta()));
            String soft = o.op("Div", softplus(o, z), o.constant("beta", p.beta()));
            return o.op("Where", o.op("Greater", z, o.constant("threshold", p.threshold())), x, soft);
        }
        if (l instanceof Mish) return o.op("Mul", x, o.op("Tanh", softplus(o, x)));
        if (l instanceof Hardswish) { // x · min(max(x + 3, 0), 6) / 6
            String clip = o.op("Clip", o.op("Add", x, o.constant("three", 3)), o.constant("zero", 0), o.constant("six", 6));
            return o.op("Div", o.op("Mul", x, clip), o.constant("six", 6));
        }
        if (l instanceof LayerNorm n) return layerNorm(i, n, o, x);
        if (l instanceof LogSoftmax) return o.opWith("LogSoftmax", attributeInt("axis", 1), x);
        throw new SparkTrainException("export to ONNX: layer " + i + " (" + l.spec() + ") has no ONNX form here; "
                + "export it as safetensors instead");
    }

    /** log(1 + e^z), as PyTorch computes it below the threshold (ONNX's Softplus has no float64 kernel in ONNX Runtime). */
    private static String softplus(Ops o, String z) {
        return o.op("Log", o.op("Add", o.op("Exp", z), o.constant("one", 1)));
    }

    /** (x − mean) · 1/√(var + eps) over each row's features (biased variance), then · weight + bias. */
    private String layerNorm(int i, LayerNorm n, Ops o, String x) {
        ProtoWriter axes = new ProtoWriter().string(1, "axes").varint(8, 1).varint(20, ATTRIBUTE_INTS);
        String centered = o.op("Sub", x, o.opWith("ReduceMean", axes, x));
        String var = o.opWith("ReduceMean", axes, o.op("Mul", centered, centered));
        String rstd = o.op("Div", o.constant("one", 1), o.op("Sqrt", o.op("Add", var, o.constant("eps", n.eps()))));
        String h = o.op("Mul", centered, rstd);
        if (!n.elementwiseAffine()) return h;
        List<StateDict.Entry> t = StateDict.ofLayer(model, i);
        for (StateDict.Entry e : t) initializer(e.key(), e.shape(), params, e.offset(), e.length());
        return o.op("Add", o.op("Mul", h, t.get(0).key()), t.get(1).key());
    }

    /** Node and constant names of one layer: {@code i.Op}, {@code i.Op.2}, ..., {@code i.name}. */
    private final class Ops {
        private final int layer;
        private final Map<String, Integer> used = new java.util.HashMap<>();

        Ops(int layer) {
            this.layer = layer;
        }

        String op(String op, String... inputs) {
            return opWith(op, null, inputs);
        }

        String opWith(String op, ProtoWriter attribute, String... inputs) {
            int k = used.merge(op, 1, Integer::sum);
            return node(op, layer + "." + op + (k == 1 ? "" : "." + k), List.of(inputs), attribute);
        }

        /** A scalar initializer {@code i.name} in the model's element type (made once per layer and name). */
        String constant(String name, double value) {
            String full = layer + "." + name;
            if (used.merge("const " + name, 1, Integer::sum) == 1) initializer(full, new long[0], new double[] {value}, 0, 1);
            return full;
        }
    }

    /** Adds a node whose one output is named {@code output}; returns that name. */
    private String node(String op, String output, List<String> inputs, ProtoWriter attribute) {
        ProtoWriter n = new ProtoWriter();
        inputs.forEach(in -> n.string(1, in));
        n.string(2, output).string(3, output).string(4, op);
        if (attribute != null) n.message(5, attribute);
        graph.message(1, n);
        return output;
    }

    private static ProtoWriter attributeInt(String name, long value) {
        return new ProtoWriter().string(1, name).varint(3, value).varint(20, ATTRIBUTE_INT);
    }

    /** A tensor of the graph: dims, type, name, and the values as raw little-endian bytes. */
    private void initializer(String name, long[] shape, double[] values, int off, int len) {
        int width = elemType == DOUBLE ? 8 : 4;
        weightBytes += (long) len * width;
        if (weightBytes > MAX_BYTES) {
            throw new SparkTrainException("export to ONNX: the weights take more than 2 GB, the most one ONNX file holds");
        }
        ByteBuffer b = ByteBuffer.allocate(len * width).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = off; k < off + len; k++) {
            if (width == 8) b.putDouble(values[k]);
            else b.putFloat((float) values[k]);
        }
        ProtoWriter t = new ProtoWriter();
        for (long d : shape) t.varint(1, d);
        t.varint(2, elemType).string(8, name).bytes(9, b.array());
        graph.message(5, t);
    }

    /** A graph input or output of shape {@code [batch, width]}. */
    private ProtoWriter valueInfo(String name, int width) {
        ProtoWriter shape = new ProtoWriter()
                .message(1, new ProtoWriter().string(2, "batch"))
                .message(1, new ProtoWriter().varint(1, width));
        ProtoWriter tensor = new ProtoWriter().varint(1, elemType).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensor));
    }
}
