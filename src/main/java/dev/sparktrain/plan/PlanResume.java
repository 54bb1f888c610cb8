package dev.sparktrain.plan;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.lr.Scheduler;
import dev.sparktrain.store.Checkpoint;
import dev.sparktrain.store.MetricsLog;
import dev.sparktrain.train.EarlyStopping;

import java.util.Arrays;

/**
 * A checkpoint's state restored into FRESH objects of a {@link JobPlan} (so a refused checkpoint
 * leaves nothing half-loaded and the next older one can be tried): the checkpoint must be of the
 * plan's model, loss, optimizer and scheduler. Both front ends resume through it.
 */
public final class PlanResume {
    private PlanResume() {
    }

    /** What a run continues with: the checkpoint and the state restored from it. */
    public record Restored(Checkpoint checkpoint, Optimizer optimizer, Scheduler scheduler, EarlyStopping earlyStopping) {
    }

    /**
     * Restores {@code c} for {@code plan}; {@code earlyStopping} is the run's early stopping (null:
     * none). Refuses a checkpoint that does not fit with SparkTrainException saying why.
     */
    public static Restored restore(JobPlan plan, EarlyStopping.Settings earlyStopping, Checkpoint c) {
        int d = plan.model().paramCount();
        if (!plan.model().spec().equals(canonical(c.model())) || !Arrays.equals(plan.model().tensorSizes(), c.tensorSizes())
                || c.params().length != d) {
            throw new SparkTrainException("saved for model " + c.model() + " (" + c.params().length
                    + " parameters), the job's model is " + plan.model().spec() + " (" + d + " parameters)");
        }
        if (!plan.loss().name().equals(c.loss())) {
            throw new SparkTrainException("saved with loss " + c.loss() + ", the job uses " + plan.loss().name());
        }
        if (c.epoch() < 0 || c.step() < 0) {
            throw new SparkTrainException("epoch " + c.epoch() + " and step " + c.step() + " must be >= 0");
        }
        c.metrics().forEach(MetricsLog::toStats); // the rows the resumed run reports: refused here if malformed
        Optimizer o = plan.newOptimizer();
        Object savedOpt = c.optimizer() == null ? null : c.optimizer().get("optimizer");
        if (!o.name().equals(savedOpt)) {
            throw new SparkTrainException("saved by optimizer " + savedOpt + ", the job uses " + o.name());
        }
        if ((c.scheduler() == null) != (plan.schedulerName() == null)) {
            Object savedSched = c.scheduler() == null ? "none" : c.scheduler().get("scheduler");
            String jobSched = plan.schedulerName() == null ? "none" : plan.schedulerName();
            throw new SparkTrainException("saved with scheduler " + savedSched + ", the job has scheduler " + jobSched);
        }
        Scheduler s = plan.newScheduler(o);
        EarlyStopping es = earlyStopping == null ? null : new EarlyStopping(earlyStopping);
        try {
            o.loadState(c.optimizer());
            if (s != null) s.loadState(c.scheduler());
            if (es != null && c.earlyStopping() != null) es.loadState(c.earlyStopping());
            if (es != null && es.bestParams() != null && es.bestParams().length != d) {
                throw new SparkTrainException("its early-stopping best weights have " + es.bestParams().length
                        + " values, the model " + d);
            }
        } catch (SparkTrainException e) {
            throw e;
        } catch (RuntimeException e) { // a state map of the wrong shape
            throw new SparkTrainException("its optimizer/scheduler state does not fit the job (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")", e);
        }
        return new Restored(c, o, s, es);
    }

    /** A checkpoint's layer spec in today's spelling (checkpoints of older versions wrote {@code linear(6,4), relu}). */
    private static String canonical(String spec) {
        if (spec == null) return null;
        try {
            return Sequential.parse(spec, "checkpoint").spec();
        } catch (SparkTrainException e) {
            return spec; // not a model we can build: compared as written, so refused below
        }
    }
}
