package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.lr.Scheduler;
import dev.sparktrain.plan.JobPlan;
import dev.sparktrain.plan.PlanResume;
import dev.sparktrain.store.Checkpoint;
import dev.sparktrain.store.Checkpoints;
import dev.sparktrain.store.DataFacts;
import dev.sparktrain.store.MetricsLog;
import dev.sparktrain.train.EarlyStopping;
import org.apache.hadoop.conf.Configuration;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Continuing a job from its newest acceptable checkpoint: the checkpoint must be of the job's
 * model, loss, optimizer and scheduler; its state goes into fresh objects from the plan, so a
 * refused checkpoint leaves nothing half-loaded and the next older one is tried.
 */
final class Resume {
    /** What a run continues with: the checkpoint and the state restored from it. */
    record Restored(Checkpoint checkpoint, Optimizer optimizer, Scheduler scheduler, EarlyStopping earlyStopping) {
    }

    private final JobConfig cfg;
    private final JobPlan plan;

    Resume(JobConfig cfg, JobPlan plan) {
        this.cfg = cfg;
        this.plan = plan;
    }

    /** Finds the newest acceptable checkpoint under {@code cfg.run.resume}; tells {@code out} what it chose and why. */
    Restored find(Configuration hconf, PrintStream out) {
        Checkpoints.Found<Restored> f = Checkpoints.resume(cfg.run.resume, hconf, this::restore, msg -> out.println("resume: " + msg));
        Checkpoint c = f.checkpoint();
        out.printf(Locale.ROOT, "resume: from %s (epoch %d, step %d)%n", f.dir(), c.epoch(), c.step());
        List<String> diffs = jobDifferences(c.job(), cfg.resolved());
        if (!diffs.isEmpty()) {
            out.println("resume: note: the job differs from the checkpoint's in " + String.join(", ", diffs)
                    + "; the run continues but will not match an uninterrupted one");
        }
        if (c.epoch() >= cfg.train.epochs()) {
            out.printf(Locale.ROOT, "resume: the checkpoint is at epoch %d of %d: no epochs left (raise train.epochs to train on)%n",
                    c.epoch(), cfg.train.epochs());
        }
        return f.accepted();
    }

    /**
     * Whether {@code path} is a run's output directory: the checkpoints to resume from are in its
     * {@code checkpoints/} (not a checkpoint directory or one checkpoint). A path that cannot be
     * listed is not: resuming from it fails later with its own message.
     */
    static boolean isRunDirectory(String path, Configuration hconf) {
        try {
            List<String> found = Checkpoints.candidates(path, hconf);
            return !found.isEmpty() && new org.apache.hadoop.fs.Path(found.get(0)).getParent()
                    .equals(new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(path), "checkpoints"));
        } catch (java.io.IOException | SparkTrainException | IllegalArgumentException e) {
            return false;
        }
    }

    private Restored restore(Checkpoint c) {
        PlanResume.Restored r = PlanResume.restore(plan, cfg.run.earlyStopping, c);
        return new Restored(r.checkpoint(), r.optimizer(), r.scheduler(), r.earlyStopping());
    }

    /**
     * Keys that change the trajectory (everything but epochs, output and run bookkeeping;
     * data.partitions neither: sums follow row groups, not partitions).
     */
    static List<String> jobDifferences(Map<String, String> saved, Map<String, String> now) {
        List<String> diffs = new ArrayList<>();
        Set<String> keys = new TreeSet<>(saved.keySet());
        keys.addAll(now.keySet());
        for (String k : keys) {
            if (k.equals("train.epochs") || k.equals("output.dir") || k.equals("resume") || k.equals("data.partitions")
                    || k.startsWith("checkpoint.") || k.startsWith("metrics.") || k.startsWith("early_stopping.")) {
                continue;
            }
            if (!Objects.equals(saved.get(k), now.get(k))) {
                diffs.add(k + " (" + saved.getOrDefault(k, "unset") + " -> " + now.getOrDefault(k, "unset") + ")");
            }
        }
        return diffs;
    }

    /** Notes (does not refuse) data that differs from the checkpoint's: other rows or other scaling. */
    static void noteOtherData(Checkpoint c, DataFacts now, PrintStream out) {
        DataFacts was = c.data();
        if (was == null) return;
        long[][] rows = {{was.trainRows(), now.trainRows()}, {was.validationRows(), now.validationRows()}};
        String[] names = {"train_rows", "validation_rows"};
        for (int i = 0; i < names.length; i++) {
            if (rows[i][0] >= 0 && rows[i][1] >= 0 && rows[i][0] != rows[i][1]) {
                out.println("resume: note: " + names[i] + " was " + rows[i][0] + " and is now " + rows[i][1] + " (other data)");
            }
        }
        if (was.mean() != null && now.mean() != null && !was.sameScaling(now)) {
            out.println("resume: note: the standardization statistics differ from the checkpoint's (other data)");
        }
    }

    /** Epoch rows from the checkpoint plus, with per-step metrics, the step rows of those epochs from metrics.jsonl. */
    List<Map<String, Object>> priorRows(Checkpoint c, Configuration hconf) {
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Map<String, Object>> steps = List.of();
        if (cfg.run.metricsPerStep) {
            try {
                steps = MetricsLog.read(cfg.outputDir, hconf).stream()
                        .filter(r -> "step".equals(r.get("kind")) && r.get("epoch") instanceof Number e && e.intValue() <= c.epoch())
                        .toList();
            } catch (SparkTrainException e) {
                steps = List.of(); // the step rows are a convenience; the epoch rows come from the checkpoint
            }
        }
        for (Map<String, Object> e : c.metrics()) {
            int epoch = ((Number) e.get("epoch")).intValue();
            for (Map<String, Object> s : steps) if (((Number) s.get("epoch")).intValue() == epoch) rows.add(s);
            rows.add(e);
        }
        return rows;
    }
}
