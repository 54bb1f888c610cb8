package dev.sparktrain.nn;

import java.util.Locale;

/**
 * The precision a model computes in (job-file key {@code train.precision}), PyTorch's
 * {@code model.double()} or {@code model.float()}. {@code FLOAT32} runs every layer's forward and
 * backward in single precision (sgemm, float activations) on a float32 copy of the weights; the
 * weights themselves, the gradient sums across chunks, the optimizer step and its state stay
 * float64 — a float32 model with float64 master weights, as in mixed-precision training.
 */
public enum Precision {
    FLOAT64, FLOAT32;

    /** {@code float64} or {@code float32}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code float64}/{@code float32} (also {@code double}/{@code float}); null for anything else. */
    public static Precision parse(String s) {
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "float64", "double" -> FLOAT64;
            case "float32", "float" -> FLOAT32;
            default -> null;
        };
    }
}
