package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.optim.Optimizer;

import java.util.Collections;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * {@code torch.optim.lr_scheduler.LambdaLR}: lr = base lr × f(epoch). Java API only (the factor
 * is code, so it cannot come from a job file); its state holds the epoch, not the function.
 */
public final class LambdaLR extends LRScheduler {
    private final List<IntToDoubleFunction> lambdas;

    /** One function for every group. */
    public LambdaLR(Optimizer optimizer, IntToDoubleFunction lrLambda) {
        this(optimizer, Collections.nCopies(optimizer.paramGroups().size(), lrLambda));
    }

    /** One function per param group. */
    public LambdaLR(Optimizer optimizer, List<IntToDoubleFunction> lrLambdas) {
        super(optimizer);
        if (lrLambdas.size() != groupCount()) {
            throw new SparkTrainException("LambdaLR: expected " + groupCount() + " lr_lambdas, got " + lrLambdas.size());
        }
        lambdas = List.copyOf(lrLambdas);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) lr[i] = baseLrs[i] * lambdas.get(i).applyAsDouble(lastEpoch);
        return lr;
    }
}
