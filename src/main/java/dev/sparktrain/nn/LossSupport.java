package dev.sparktrain.nn;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;

/** Option checks and numerics shared by the losses. */
final class LossSupport {
    private LossSupport() {
    }

    /** PyTorch's 'mean' (default) or 'sum'; 'none' gives no single number to step on, so it is refused. */
    static Loss.Reduction reduction(Options o) {
        return o.getChoice("reduction", "mean", "mean", "sum").equals("sum") ? Loss.Reduction.SUM : Loss.Reduction.MEAN;
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

    /** PyTorch's default {@code ignore_index}. */
    static final int IGNORE_INDEX = -100;

    /**
     * The class index of row r's target {@code t}, or -1 when {@code t} is {@code ignoreIndex};
     * refused unless it is an integer in [0, classes).
     */
    static int classIndex(String loss, double t, int r, int classes, int ignoreIndex) {
        if (t == ignoreIndex) return -1;
        if (!(t >= 0 && t < classes) || t != Math.rint(t)) {
            throw new SparkTrainException(loss + ": target of row " + r + " is " + t
                    + "; expected an integer class index in [0, " + classes + ")"
                    + (ignoreIndex == IGNORE_INDEX ? "" : " or ignore_index " + ignoreIndex));
        }
        return (int) t;
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
