package dev.sparktrain.ml;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.nn.ModelSpec;
import dev.sparktrain.nn.Sequential;

/**
 * The {@code layers} param: the job file's layer syntax ({@link ModelSpec}) where the first
 * layer's input and the last layer's output may be {@code *}: the feature vector's size and the
 * number of outputs the label needs (classes for CrossEntropyLoss, 1 otherwise), filled in at fit
 * time. Refusals are IllegalArgumentExceptions, as Spark's param checks expect.
 */
final class LayerSpec {
    private static final String WHERE = "layers";

    private LayerSpec() {
    }

    /** Checks the syntax (placeholders taken as 1). */
    static void check(String spec) {
        resolve(spec, 1, 1);
    }

    /** Whether the last layer's output is {@code *}. */
    static boolean outputsOpen(String spec) {
        return parse(spec).outputsOpen();
    }

    /** The network, with {@code *} replaced by {@code features} (first input) and {@code outputs} (last output). */
    static Sequential resolve(String spec, int features, int outputs) {
        try {
            return parse(spec).build(features, outputs);
        } catch (SparkTrainException e) {
            throw new IllegalArgumentException(e.getMessage().replaceFirst("^" + WHERE + ": ", ""), e);
        }
    }

    private static ModelSpec parse(String spec) {
        if (spec == null || spec.isBlank()) throw new IllegalArgumentException("empty; e.g. Linear(*, 64), ReLU(), Linear(64, *)");
        return ModelSpec.withPlaceholders(spec, WHERE);
    }
}
