package dev.sparktrain.nn;

import java.io.Serializable;

/**
 * A loss with PyTorch's 'mean' or 'sum' reduction, split so that partitions can work on slices of
 * a batch: each slice returns the SUM of its rows' loss terms and adds its share of the
 * normalizer; the driver divides both sums by {@link Reduction#divisor} of the global normalizer
 * (itself for 'mean', 1 for 'sum'). For CrossEntropyLoss and NLLLoss the normalizer is the number
 * of rows not ignored (or the sum of their targets' class weights), for the element-wise losses
 * it is rows × outputs — exactly the denominators PyTorch's 'mean' uses.
 *
 * <p>Outputs and targets are row-major: {@code out[r*c + j]}; targets hold one value per row for
 * class-index losses ({@link #targetWidth(int)} == 1) or {@code c} values per row otherwise.
 */
public interface Loss extends Serializable {

    /** What a model trained with a loss predicts; decides whether accuracy is counted and how outputs are read. */
    enum Task {
        /** One logit per class, a class index per row; the prediction is the argmax. */
        MULTICLASS,
        /** One logit per binary label, a 0/1 target each; a label is predicted when its logit is > 0. */
        BINARY,
        /** Real values compared with real targets. */
        REGRESSION;

        /** Whether outputs predict classes (accuracy is counted). */
        public boolean classifies() {
            return this != REGRESSION;
        }
    }

    /** PyTorch's {@code reduction} keyword, without 'none' (a step needs one number). */
    enum Reduction {
        MEAN, SUM;

        /** What the summed loss and gradient are divided by, given the summed normalizer. */
        public double divisor(double normalizer) {
            return this == MEAN ? normalizer : 1.0;
        }
    }

    /** PyTorch class name, e.g. "CrossEntropyLoss". */
    String name();

    /**
     * This loss as a float32 model's kernel uses it: its terms need float accuracy only, so a loss
     * may trade exactness below float resolution for speed (BCEWithLogitsLoss does). The default is
     * the loss itself.
     */
    default Loss forFloat32() {
        return this;
    }

    /** How the batch's terms become the loss: their mean (PyTorch's default) or their sum. */
    Reduction reduction();

    /**
     * Whether rows with this target are left out ({@code ignore_index}): no loss, no gradient,
     * nothing added to the normalizer, and not counted in the rows and accuracy of a step.
     */
    default boolean ignores(double target) {
        return false;
    }

    /** What the outputs of a model trained with this loss mean. */
    Task task();

    /** Target values per row for a model with {@code outputs} outputs: one per output, or 1 for class indices. */
    default int targetWidth(int outputs) {
        return outputs;
    }

    /**
     * Sum of the per-row loss terms of rows [0, n) and, into {@code dOut}, the gradient of that
     * sum with respect to {@code out} (overwritten, n × c).
     *
     * @param y    targets, {@code targetWidth(c)} values per row starting at {@code yOff}
     * @param dOut null: the sum only, as {@link #sum}
     */
    double sumAndGradient(double[] out, int n, int c, double[] y, int yOff, double[] dOut);

    /** Sum of the per-row loss terms only (evaluation; no gradient). */
    default double sum(double[] out, int n, int c, double[] y, int yOff) {
        return sumAndGradient(out, n, c, y, yOff, null);
    }

    /** This slice's share of the mean's denominator: all n × c elements unless the loss says otherwise. */
    default double normalizer(int n, int c, double[] y, int yOff) {
        return (double) n * c;
    }

    /**
     * {@link #sumAndGradient} with per-row sample weights {@code w[wOff + r]}: PyTorch's
     * {@code reduction='none'} terms of row r (class weights included) times w_r, summed; the
     * gradient rows are scaled by w_r too. A weight of 1 multiplies exactly, so all-ones weights
     * give the unweighted bits.
     */
    double sumAndGradient(double[] out, int n, int c, double[] y, int yOff, double[] w, int wOff, double[] dOut);

    /**
     * {@link #normalizer} with per-row sample weights: each row's share (c elements, or its
     * target's class weight) times w_r, so the mean is Σ w_r·l_r / Σ w_r·share_r.
     */
    default double normalizer(int n, int c, double[] y, int yOff, double[] w, int wOff) {
        double s = 0;
        for (int r = 0; r < n; r++) s += w[wOff + r] * c;
        return s;
    }
}
