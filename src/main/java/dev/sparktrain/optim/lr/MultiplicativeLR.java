package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.optim.Optimizer;

import java.util.Collections;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * {@code torch.optim.lr_scheduler.MultiplicativeLR}: from epoch 1 on, lr × f(epoch) every step.
 * Java API only (the factor is code). No closed form: {@code stepTo} uses the recursive form.
 */
public final class MultiplicativeLR extends LRScheduler {
    private final List<IntToDoubleFunction> lambdas;

    /** One function for every group. */
    public MultiplicativeLR(Optimizer optimizer, IntToDoubleFunction lrLambda) {
        this(optimizer, Collections.nCopies(optimizer.paramGroups().size(), lrLambda));
    }

    /** One function per param group. */
    public MultiplicativeLR(Optimizer optimizer, List<IntToDoubleFunction> lrLambdas) {
        super(optimizer);
        if (lrLambdas.size() != groupCount()) {
            throw new SparkTrainException("MultiplicativeLR: expected " + groupCount() + " lr_lambdas, got " + lrLambdas.size());
        }
        lambdas = List.copyOf(lrLambdas);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        if (lastEpoch <= 0) return unchanged();
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) lr[i] = currentLr(i) * lambdas.get(i).applyAsDouble(lastEpoch);
        return lr;
    }
}
