package dev.sparktrain.nn;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;

import java.util.List;

/**
 * A loss on {@code [n, C]} outputs with one class index per row (CrossEntropyLoss, NLLLoss): the
 * class weights, {@code ignore_index} and the normalizer are written once here. The mean divides
 * by {@code Σ w_y} over the rows not ignored (their count without weights), times each row's
 * sample weight when there are any; the subclass gives the per-row terms and gradient.
 */
abstract class ClassIndexLoss implements Loss {
    private static final long serialVersionUID = 1L;

    final int classes;
    private final double[] weight;      // null = all ones
    private final int ignoreIndex;
    private final Reduction reduction;

    /** Checks {@code o} against {@code options} and reads {@code weight}, {@code ignore_index} and {@code reduction}. */
    ClassIndexLoss(Options o, int classes, List<String> options) {
        o.requireOnly(options);
        this.reduction = LossSupport.reduction(o);
        LossSupport.requireOutputs(name(), classes);
        this.classes = classes;
        this.weight = LossSupport.nonNegativeList(o, "weight", classes, "class");
        this.ignoreIndex = o.getInt("ignore_index", LossSupport.IGNORE_INDEX);
    }

    @Override
    public final Reduction reduction() {
        return reduction;
    }

    @Override
    public final Task task() {
        return Task.MULTICLASS;
    }

    @Override
    public final int targetWidth(int outputs) {
        return 1;
    }

    @Override
    public final boolean ignores(double target) {
        return target == ignoreIndex;
    }

    /** Class k's weight (1 without {@code weight}). */
    final double w(int k) {
        return weight == null ? 1.0 : weight[k];
    }

    /** The class index of row r, or -1 when it is ignored; refused unless an integer in [0, C) or ignore_index. */
    final int target(double[] y, int yOff, int r) {
        return LossSupport.classIndex(name(), y[yOff + r], r, classes, ignoreIndex);
    }

    @Override
    public final double sumAndGradient(double[] out, int n, int c, double[] y, int yOff, double[] dOut) {
        return sumAndGradient(out, n, c, y, yOff, null, 0, dOut);
    }

    @Override
    public final double normalizer(int n, int c, double[] y, int yOff) {
        checkClasses(c);
        double s = 0;
        for (int r = 0; r < n; r++) {
            int t = target(y, yOff, r);
            if (t >= 0) s += w(t);
        }
        return s;
    }

    @Override
    public final double normalizer(int n, int c, double[] y, int yOff, double[] sw, int swOff) {
        checkClasses(c);
        double s = 0;
        for (int r = 0; r < n; r++) {
            int t = target(y, yOff, r);
            if (t >= 0) s += sw[swOff + r] * w(t);
        }
        return s;
    }

    final void checkClasses(int c) {
        if (c != classes) throw new SparkTrainException(name() + ": configured for " + classes + " classes, called with " + c);
    }
}
