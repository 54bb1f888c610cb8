package dev.sparktrain.optim.clip;

import dev.sparktrain.config.Options;

import java.util.List;

/**
 * Builds a clipper from options: {@code max_norm} (with optional {@code norm_type}, a number or
 * "inf", default 2, and {@code error_if_nonfinite}, default false) for clip_grad_norm_, or
 * {@code clip_value} for clip_grad_value_ — never both. No options, or {@code max_norm = 0} /
 * {@code clip_value = 0}, is no clipping: the same 0 that turns the Spark ML params off, so a
 * job file's clipping can be switched off by overriding one key.
 */
public final class GradientClippers {
    public static final List<String> OPTIONS = List.of("max_norm", "norm_type", "error_if_nonfinite", "clip_value");

    private GradientClippers() {
    }

    /**
     * The clipper {@code o} asks for, or null for none.
     *
     * @param tensorSizes element counts of the tensors in the flat gradient, in order
     */
    public static GradientClipper create(Options o, int[] tensorSizes) {
        o.requireOnly(OPTIONS);
        boolean normOn = o.has("max_norm") && o.getDouble("max_norm") != 0;
        if (o.has("clip_value") && o.getDouble("clip_value") != 0) {
            for (String k : List.of("max_norm", "norm_type", "error_if_nonfinite")) {
                if (o.has(k) && (normOn || !k.equals("max_norm"))) {
                    throw o.error(k, "not allowed with clip_value (choose clip_grad_value_ or clip_grad_norm_)");
                }
            }
            double v = o.getDouble("clip_value");
            if (!(v > 0)) throw o.error("clip_value", "must be > 0 (0 turns clipping off), got " + v);
            // the logged 2-norm over blocks of the whole vector, as Trainer's when nothing clips
            return new ClipGradValue(v, new int[] {java.util.Arrays.stream(tensorSizes).sum()});
        }
        if (!normOn) {
            if (o.has("max_norm") || o.has("clip_value") || o.keys().isEmpty()) return null;
            throw o.error("max_norm", "required (or give clip_value for value clipping)");
        }
        double maxNorm = o.getDouble("max_norm");
        if (!(maxNorm > 0)) throw o.error("max_norm", "must be > 0 (0 turns clipping off), got " + maxNorm);
        double p = o.getDouble("norm_type", 2.0);
        if (!(p > 0)) throw o.error("norm_type", "must be a number > 0 or 'inf', got " + o.raw("norm_type"));
        return new ClipGradNorm(maxNorm, p, o.getBool("error_if_nonfinite", false), tensorSizes);
    }
}
