package dev.sparktrain.golden;

import dev.sparktrain.config.Options;
import dev.sparktrain.optim.clip.ClipGradNorm;
import dev.sparktrain.optim.clip.GradientClipper;
import dev.sparktrain.optim.clip.GradientClippers;

import java.util.LinkedHashMap;
import java.util.Map;

import static dev.sparktrain.golden.Golden.assertClose;
import static org.junit.jupiter.api.Assertions.fail;

/** kind = "clip": clip_grad_norm_ (total norm, coefficient, clipped grads) and clip_grad_value_. */
final class ClipCases {
    private static final double RTOL = 1e-9;
    private static final double ATOL = 1e-12;

    private ClipCases() {
    }

    static void run(Map<String, Object> c) {
        String id = String.valueOf(c.get("id"));
        String method = String.valueOf(c.get("method"));
        int[] sizes = Golden.shapeSizes(c.get("param_shapes"));
        double[] grad = Golden.doubles(c.get("grads"));
        Map<String, Object> opts = new LinkedHashMap<>();
        switch (method) {
            case "norm" -> {
                opts.put("max_norm", c.get("max_norm"));
                opts.put("norm_type", c.get("norm_type"));   // a number or "inf", as a user would write it
            }
            case "value" -> opts.put("clip_value", c.get("clip_value"));
            default -> fail(id + ": unknown clip method '" + method + "'");
        }
        GradientClipper clipper = GradientClippers.create(new Options(id, opts), sizes);
        double total = clipper.clip(grad);
        if (clipper instanceof ClipGradNorm norm) {
            double expectedTotal = Golden.num(c.get("expected_total_norm"));
            assertClose(expectedTotal, total, RTOL, ATOL, id + " total norm");
            assertClose(Golden.num(c.get("expected_clip_coef")), norm.coefficient(total), RTOL, ATOL, id + " clip coef");
        }
        assertClose(Golden.doubles(c.get("expected_grads")), grad, RTOL, ATOL, id + " grads");
    }
}
