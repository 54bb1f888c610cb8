package dev.sparktrain.nn;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;

/** Option checks and numerics shared by the losses. */
final class LossSupport {
    private LossSupport() {
    }

    /** Only PyTorch's default 'mean' reduction exists here (the sum/normalizer split implements it). */
    static void requireMeanReduction(Options o) {
        o.getChoice("reduction", "mean", "mean");
    }

    /** A per-column/per-class list: exactly {@code outputs} finite values >= 0, or null if absent. */
    static double[] nonNegativeList(Options o, String key, int outputs, String perWhat) {
        double[] v = o.getDoubles(key, null);
        if (v == null) return null;
        if (v.length != outputs) {
            throw o.error(key, "expected " + outputs + " values (one per " + perWhat + "), got " + v.length);
        }
        for (int i = 0; i < v.length; i++) {
            if (!(v[i] >= 0) || Double.isInfinite(v[i])) {
                throw o.error(key, "value " + i + " must be finite and >= 0, got " + v[i]);
            }
        }
        return v.clone();
    }

    static void requireOutputs(String loss, int outputs) {
        if (outputs < 1) throw new SparkTrainException(loss + ": the model must have at least 1 output, got " + outputs);
    }

    static void checkWidth(String loss, double[] perColumn, int c) {
        if (perColumn != null && perColumn.length != c) {
            throw new SparkTrainException(loss + ": configured for " + perColumn.length + " outputs, called with " + c);
        }
    }
}
