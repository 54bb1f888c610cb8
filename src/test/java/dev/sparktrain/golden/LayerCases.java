package dev.sparktrain.golden;

import dev.sparktrain.nn.Layer;
import dev.sparktrain.nn.Sequential;

import java.util.Map;

import static dev.sparktrain.golden.Golden.assertClose;

/**
 * kind = "layer": one layer built by the layer parser from its JSON object, run forward and
 * backward over a batch; the input is read at an offset and the rows in two chunks, as the kernel
 * does. Tolerance: our erf, exp and summation order are not PyTorch's to the last bit.
 */
final class LayerCases {
    private static final double RTOL = 1e-12;
    private static final double ATOL = 1e-14;
    private static final int OFFSET = 3;

    private LayerCases() {
    }

    static void run(Map<String, Object> c) {
        String id = String.valueOf(c.get("id"));
        Map<String, Object> json = Golden.map(c.get("layer"));
        int n = ((Number) c.get("n")).intValue();
        int d = ((Number) c.get("features")).intValue();
        String one = LayerJson.layer(json, id);
        Layer layer = "linear".equals(json.get("type")) ? Sequential.parse(one, id).layers().get(0)
                : Sequential.parse("Linear(" + d + ", " + d + "), " + one, id).layers().get(1); // a width before it
        double[] params = Golden.doubles(c.get("params"));
        assertClose(params.length, layer.paramCount(), 0, 0, id + " parameter count");
        double[] x = Golden.doubles(c.get("input"));
        double[] xAt = new double[OFFSET + x.length];
        System.arraycopy(x, 0, xAt, OFFSET, x.length);
        int out = layer.outFeatures();
        double[] y = new double[n * out];
        layer.forward(params, 0, xAt, OFFSET, n, y);
        assertClose(Golden.doubles(c.get("output")), y, RTOL, ATOL, id + " output");

        double[] dY = Golden.doubles(c.get("grad_output"));
        double[] grad = new double[params.length];
        double[] dX = new double[n * d];
        int half = n / 2; // two chunks: parameter gradients add up across them
        layer.forward(params, 0, xAt, OFFSET, half, y);
        layer.backward(params, 0, xAt, OFFSET, y, dY, half, grad, dX);
        double[] y2 = new double[(n - half) * out];
        double[] dY2 = java.util.Arrays.copyOfRange(dY, half * out, n * out);
        double[] dX2 = new double[(n - half) * d];
        layer.forward(params, 0, xAt, OFFSET + half * d, n - half, y2);
        layer.backward(params, 0, xAt, OFFSET + half * d, y2, dY2, n - half, grad, dX2);
        System.arraycopy(dX2, 0, dX, half * d, dX2.length);
        assertClose(Golden.doubles(c.get("grad_input")), dX, RTOL, ATOL, id + " grad_input");
        assertClose(Golden.doubles(c.get("grad_params")), grad, RTOL, ATOL, id + " grad_params");

        double[] gradOnly = new double[params.length]; // a first layer: no input gradient asked for
        layer.forward(params, 0, xAt, OFFSET, n, y);
        layer.backward(params, 0, xAt, OFFSET, y, dY, n, gradOnly, null);
        assertClose(Golden.doubles(c.get("grad_params")), gradOnly, RTOL, ATOL, id + " grad_params without dX");
    }
}
