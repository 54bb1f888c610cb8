package dev.sparktrain.spark.eval;

import dev.sparktrain.nn.BatchKernel;

/** Executor-side helpers: what a row's outputs predict. */
final class Scoring {
    static final int CHUNK = BatchKernel.CHUNK;

    private Scoring() {
    }

    /** The predicted class of row i: argmax (first maximum, as the training accuracy counts it), or logit > 0. */
    static int predictedClass(double[] out, int i, int c) {
        if (c == 1) return out[i] > 0 ? 1 : 0;
        int best = 0;
        for (int j = 1; j < c; j++) if (out[i * c + j] > out[i * c + best]) best = j;
        return best;
    }

    /** The true class of a row's target (class index, or a 0/1 target for a single logit). */
    static int trueClass(double y, int c) {
        return c == 1 ? (y > 0.5 ? 1 : 0) : (int) y;
    }

    /** Softmax of row i's logits into p (numerically stable), or the sigmoid of a single logit into p[0]. */
    static void probabilities(double[] out, int i, int c, double[] p) {
        if (c == 1) {
            double z = out[i];
            p[0] = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
            return;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) max = Math.max(max, out[i * c + j]);
        double s = 0;
        for (int j = 0; j < c; j++) {
            p[j] = Math.exp(out[i * c + j] - max);
            s += p[j];
        }
        for (int j = 0; j < c; j++) p[j] /= s;
    }
}
