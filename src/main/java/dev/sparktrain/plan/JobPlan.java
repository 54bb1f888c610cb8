package dev.sparktrain.plan;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.optim.clip.GradientClipper;
import dev.sparktrain.optim.clip.GradientClippers;
import dev.sparktrain.optim.lr.Scheduler;
import dev.sparktrain.optim.lr.Schedulers;
import dev.sparktrain.train.TrainSettings;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One training run, typed and checked before any data is read: the network, the loss (whose
 * {@link Loss#task()} says what the outputs mean), how to make the optimizer and scheduler, the
 * clipper and the loop's settings. The job file ({@code cli/}) and the Spark ML params
 * ({@code ml/}) both end in one of these; {@link PlanRun} trains it.
 *
 * <p>The optimizer and scheduler hold state, so the plan makes fresh ones on request: a new run
 * takes one pair, a resume restores checkpoint state into another (a refused checkpoint leaves
 * nothing half-loaded).
 */
public record JobPlan(Sequential model, Loss loss, Options lossOptions, String optimizerName, Options optimizerOptions,
                      List<GroupSpec> groups, String schedulerName, Options schedulerOptions, GradientClipper clipper,
                      TrainSettings train) {

    /** The part of a plan whose options were refused; front ends name it in their own words. */
    public enum Part { LOSS, OPTIMIZER, SCHEDULER, CLIP }

    /** Turns a refusal from inside a part (which knows nothing of job files or ML params) into the front end's error. */
    @FunctionalInterface
    public interface Refusal {
        RuntimeException of(Part part, SparkTrainException e);
    }

    /**
     * Builds every part from {@code c}, making the optimizer and scheduler once to check their
     * options. {@code lossFits} checks the loss against the model and data before anything else
     * is built (so the first error a user sees is about the model, as the job file reads).
     */
    public static JobPlan build(PlanChoices c, Refusal refusal, Consumer<Loss> lossFits) {
        Sequential model = c.model();
        Loss loss = built(Part.LOSS, refusal, () -> Losses.create(c.loss(), c.lossOptions(), model.outFeatures()));
        lossFits.accept(loss);
        List<GroupSpec> groups = c.biasGroupOptions() == null ? GroupSpec.all(model.paramCount())
                : List.of(GroupSpec.of(model.tensorSizes(), model.biasTensors(), false, Options.empty("param group 0 (weights)")),
                GroupSpec.of(model.tensorSizes(), model.biasTensors(), true, c.biasGroupOptions()));
        Optimizer o = built(Part.OPTIMIZER, refusal, () -> Optimizers.create(c.optimizer(), c.optimizerOptions(), groups));
        if (c.scheduler() != null) built(Part.SCHEDULER, refusal, () -> Schedulers.create(c.scheduler(), o, c.schedulerOptions()));
        GradientClipper clipper = built(Part.CLIP, refusal, () -> GradientClippers.create(c.clipOptions(), model.tensorSizes()));
        return new JobPlan(model, loss, c.lossOptions(), c.optimizer(), c.optimizerOptions(), groups, c.scheduler(),
                c.schedulerOptions(), clipper, c.train());
    }

    /** A fresh optimizer over the plan's param groups. */
    public Optimizer newOptimizer() {
        return Optimizers.create(optimizerName, optimizerOptions, groups);
    }

    /** A fresh scheduler driving {@code optimizer}'s learning rates, or null when the plan has none. */
    public Scheduler newScheduler(Optimizer optimizer) {
        return schedulerName == null ? null : Schedulers.create(schedulerName, optimizer, schedulerOptions);
    }

    /** Whether the model regresses (no accuracy; val_rmse in reports). */
    public boolean regression() {
        return !loss.task().classifies();
    }

    private static <T> T built(Part part, Refusal refusal, Supplier<T> build) {
        try {
            return build.get();
        } catch (SparkTrainException e) {
            throw refusal.of(part, e);
        }
    }
}
