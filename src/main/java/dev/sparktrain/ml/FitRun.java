package dev.sparktrain.ml;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.lr.Scheduler;
import dev.sparktrain.plan.JobPlan;
import dev.sparktrain.plan.PlanResume;
import dev.sparktrain.plan.PlanRun;
import dev.sparktrain.spark.load.LoadedData;
import dev.sparktrain.store.Checkpoint;
import dev.sparktrain.store.CheckpointWriter;
import dev.sparktrain.store.Checkpoints;
import dev.sparktrain.store.DataFacts;
import dev.sparktrain.store.MetricsLog;
import dev.sparktrain.train.EarlyStopping;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.ProgressPrinter;
import dev.sparktrain.train.TrainListener;
import dev.sparktrain.train.Trainer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The driver loop of one {@code fit} around its {@link JobPlan}, with what the job file calls
 * {@code early_stopping.*}, {@code checkpoint.*} and {@code resume}: early stopping, checkpoints
 * in the job's format, and a fit continued from a checkpoint. Every setting is checked and the
 * checkpoint to resume from is chosen when it is made, before any data is read.
 */
final class FitRun {
    private final SparkTrainParams p;
    private final JobPlan plan;
    private final Configuration conf;
    private final EarlyStopping.Settings earlyStopping;
    private final double[] params;
    /** Null for a fresh fit. */
    private final PlanResume.Restored resumed;

    FitRun(SparkTrainParams p, JobPlan plan, String who, Configuration conf) {
        this.p = p;
        this.plan = plan;
        this.conf = conf;
        this.earlyStopping = earlyStopping(p, plan, who);
        this.params = plan.model().initParams(p.getSeed());
        this.resumed = p.getResumeFrom().isBlank() ? null : find(p.getResumeFrom().strip(), who);
    }

    /** The weights: the initial ones, a resumed checkpoint's, or after {@link #fit} the trained ones. */
    double[] params() {
        return params;
    }

    /**
     * The {@code validationIndicatorCol} to split by, or null when it is not set; refuses a missing
     * column, one that is not boolean, and the param together with validationFraction.
     */
    static String validationIndicator(Dataset<?> dataset, SparkTrainParams p, String who) {
        String name = p.getValidationIndicatorCol();
        if (name.isBlank()) return null;
        if (p.getValidationFraction() > 0) {
            throw new IllegalArgumentException(who + ": validationIndicatorCol and validationFraction are both set; choose "
                    + "the rows (validationIndicatorCol) or a random share (validationFraction)");
        }
        StructType schema = dataset.schema();
        if (schema.getFieldIndex(name).isEmpty()) {
            throw new IllegalArgumentException(who + ": validationIndicatorCol '" + name + "': no such column; the columns are "
                    + String.join(", ", schema.fieldNames()));
        }
        if (!(schema.apply(name).dataType() instanceof BooleanType)) {
            throw new IllegalArgumentException(who + ": validationIndicatorCol '" + name + "' has type "
                    + schema.apply(name).dataType().simpleString() + "; expected boolean (true = a validation row)");
        }
        return name;
    }

    private static EarlyStopping.Settings earlyStopping(SparkTrainParams p, JobPlan plan, String who) {
        String monitor = p.getEarlyStoppingMonitor().strip().toLowerCase(Locale.ROOT);
        if (monitor.equals(TrainParams.NO_EARLY_STOPPING)) return null;
        if (p.getValidationFraction() <= 0 && p.getValidationIndicatorCol().isBlank()) {
            throw new IllegalArgumentException(who + ": earlyStoppingMonitor " + monitor + " needs validation rows; set "
                    + "validationFraction > 0 or validationIndicatorCol");
        }
        if (monitor.equals("val_accuracy") && plan.regression()) {
            throw new IllegalArgumentException(who + ": earlyStoppingMonitor val_accuracy is for classifiers; use val_loss");
        }
        String mode = p.getEarlyStoppingMode().strip().toLowerCase(Locale.ROOT);
        if (mode.equals("auto")) mode = EarlyStopping.Settings.autoMode(monitor);
        return new EarlyStopping.Settings(monitor, p.getEarlyStoppingPatience(), p.getEarlyStoppingMinDelta(), mode,
                p.getEarlyStoppingRestoreBest());
    }

    /** The newest checkpoint under {@code path} that fits the plan (older ones when newer are refused). */
    private PlanResume.Restored find(String path, String who) {
        try {
            Checkpoints.Found<PlanResume.Restored> f = Checkpoints.resume(path, conf,
                    c -> PlanResume.restore(plan, earlyStopping, c), msg -> say("resume: " + msg));
            Checkpoint c = f.checkpoint();
            System.arraycopy(c.params(), 0, params, 0, params.length);
            say(String.format(Locale.ROOT, "resume: from %s (epoch %d, step %d)", f.dir(), c.epoch(), c.step()));
            return f.accepted();
        } catch (SparkTrainException e) {
            throw new IllegalArgumentException(who + ": resumeFrom: " + e.getMessage(), e);
        }
    }

    private void say(String line) {
        if (p.getVerbose()) System.out.println(line);
    }

    /** Trains {@code params} on the loaded blocks; returns every epoch's figures (a resumed fit's earlier ones too). */
    List<EpochStats> fit(JavaSparkContext jsc, LoadedData data) {
        Optimizer optimizer = resumed == null ? plan.newOptimizer() : resumed.optimizer();
        Scheduler scheduler = resumed == null ? plan.newScheduler(optimizer) : resumed.scheduler();
        EarlyStopping es = resumed != null ? resumed.earlyStopping()
                : earlyStopping == null ? null : new EarlyStopping(earlyStopping);
        Trainer trainer = PlanRun.trainer(plan, optimizer, scheduler);
        if (p.getVerbose()) trainer.listen(new ProgressPrinter(System.out, p.getEpochs()));
        List<Map<String, Object>> prior = resumed == null ? List.of() : resumed.checkpoint().metrics();
        if (!p.getCheckpointDir().isBlank()) {
            EpochRows rows = new EpochRows(prior, plan.regression());
            DataFacts facts = DataFacts.of(null, data.trainRows(), data.validationRows(), data.standardizer());
            CheckpointWriter.Content content = new CheckpointWriter.Content(plan.model(), plan.loss().name(), optimizer,
                    scheduler, es, facts, settings(), rows::rows);
            CheckpointWriter.Policy policy = new CheckpointWriter.Policy(p.getCheckpointDir().strip(), p.getCheckpointEvery(),
                    p.getCheckpointKeep(), p.getEpochs());
            trainer.listen(rows).listen(new CheckpointWriter(policy, content, conf, p.getVerbose() ? System.out : null));
        }
        if (es != null) trainer.earlyStopping(es);
        if (resumed != null) {
            Checkpoint c = resumed.checkpoint();
            trainer.resumeAt(c.epoch(), c.step(), prior.stream().map(MetricsLog::toStats).toList());
        }
        List<EpochStats> history = PlanRun.fit(jsc, plan, data, trainer, params);
        if (es != null && es.stopped()) {
            say(String.format(Locale.ROOT, "early stopping: %s did not improve for %d epochs; best %.6g at epoch %d",
                    es.settings().monitor(), es.settings().patience(), es.best(), es.bestEpoch()));
        }
        return history;
    }

    /** The params as a checkpoint's job (every param with a value, by name): what the fit was. */
    private Map<String, String> settings() {
        Map<String, String> job = new LinkedHashMap<>();
        for (Param<?> param : p.params()) {
            if (!p.isDefined(param)) continue;
            Object v = p.getOrDefault(param);
            job.put(param.name(), v instanceof double[] a ? Arrays.toString(a) : String.valueOf(v));
        }
        return job;
    }

    /** The epoch rows a checkpoint saves: those before a resume, then one per epoch trained. */
    private static final class EpochRows implements TrainListener {
        private final List<Map<String, Object>> rows;
        private final boolean regression;

        EpochRows(List<Map<String, Object>> prior, boolean regression) {
            this.rows = new ArrayList<>(prior);
            this.regression = regression;
        }

        @Override
        public boolean needsParams(EpochStats s) {
            return false;
        }

        @Override
        public void afterEpoch(EpochStats s, double[] params) {
            rows.add(MetricsLog.historyRow(s, regression));
        }

        List<Map<String, Object>> rows() {
            return List.copyOf(rows);
        }
    }
}
