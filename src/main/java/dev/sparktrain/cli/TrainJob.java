package dev.sparktrain.cli;

import dev.sparktrain.data.DataSettings;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.lr.Scheduler;
import dev.sparktrain.plan.InitialWeights;
import dev.sparktrain.plan.JobPlan;
import dev.sparktrain.plan.PlanChoices;
import dev.sparktrain.plan.PlanRun;
import dev.sparktrain.report.Report;
import dev.sparktrain.spark.TaskHooks;
import dev.sparktrain.spark.load.DataLoader;
import dev.sparktrain.spark.load.LoadedData;
import dev.sparktrain.store.Checkpoint;
import dev.sparktrain.store.CheckpointWriter;
import dev.sparktrain.store.DataFacts;
import dev.sparktrain.store.MetricsLog;
import dev.sparktrain.store.ModelDescription;
import dev.sparktrain.store.SafetensorsModel;
import dev.sparktrain.train.EarlyStopping;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.OutOfMemory;
import dev.sparktrain.train.ProgressPrinter;
import dev.sparktrain.train.TrainListener;
import dev.sparktrain.train.TrainSettings;
import dev.sparktrain.train.Trainer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training job: the job file becomes a {@link JobPlan} first (so a typo fails in a second,
 * before Spark starts), then the checkpoint to resume from is chosen (if any), the data is loaded
 * and cached, trained on (metrics, checkpoints, progress lines after every epoch), and the model
 * and a report are saved.
 */
public final class TrainJob {
    private final JobConfig cfg;
    private final JobPlan plan;
    private final Resume fromCheckpoint;
    private Optimizer optimizer;
    private Scheduler scheduler;
    private EarlyStopping earlyStopping;
    private final double[] params;
    private final List<TrainListener> extraListeners = new ArrayList<>();

    public TrainJob(JobConfig cfg) {
        this.cfg = cfg;
        Sequential model = Sequential.parse(cfg.model, cfg.origin("model")).withPrecision(cfg.precision);
        if (model.inFeatures() != cfg.data.features()) {
            throw new SparkTrainException(cfg.origin("model") + ": the first layer takes " + model.inFeatures()
                    + " features but data.features is " + cfg.data.features());
        }
        PlanChoices choices = new PlanChoices(model, cfg.loss, cfg.lossOptions, cfg.optimizer, cfg.optimizerOptions,
                cfg.biasGroupOptions, cfg.scheduler, cfg.schedulerOptions, cfg.clipOptions, cfg.train);
        this.plan = JobPlan.build(choices, (part, e) -> at(cfg, part, e), loss -> {
            checkOutputs(cfg, model, loss);
            checkFitsInMemory(cfg, model, Runtime.getRuntime().maxMemory());
        });
        this.fromCheckpoint = new Resume(cfg, plan);
        this.params = InitialWeights.of(model, cfg.train.seed(), cfg.modelInit, cfg.origin("model.init") + " (model.init)",
                Main.hadoopConf());
        this.optimizer = plan.newOptimizer();
        this.scheduler = plan.newScheduler(optimizer);
        this.earlyStopping = cfg.run.earlyStopping == null ? null : new EarlyStopping(cfg.run.earlyStopping);
    }

    private static void checkOutputs(JobConfig cfg, Sequential model, Loss loss) {
        int classes = cfg.data.classes();
        if (loss.task() == Loss.Task.MULTICLASS && model.outFeatures() != classes) {
            throw new SparkTrainException(cfg.origin("model") + ": the last layer gives " + model.outFeatures()
                    + " outputs but data.classes is " + classes + " (" + loss.name() + " needs one output per class)");
        }
        if (loss.targetWidth(model.outFeatures()) != 1) {
            throw new SparkTrainException(cfg.origin("model") + ": " + loss.name() + " with " + model.outFeatures()
                    + " outputs needs " + model.outFeatures() + " targets per row, but the data has one label per row");
        }
    }

    /**
     * Refuses a model whose float64 vectors cannot fit in the driver's heap: the weights, the
     * gradient, up to three optimizer buffers and the step's sums are each as large as the model.
     */
    static void checkFitsInMemory(JobConfig cfg, Sequential model, long heapBytes) {
        long need = 6L * 8L * model.paramCount();
        if (need > heapBytes) {
            throw new SparkTrainException(String.format(Locale.ROOT, "%s: the model has %d parameters; training it needs about "
                    + "%d MB of driver memory (weights, gradient, optimizer state), the driver has %d MB (raise "
                    + "--driver-memory or use a smaller model)", cfg.origin("model"), model.paramCount(), need >> 20, heapBytes >> 20));
        }
    }

    /**
     * A refusal from inside a part (which knows nothing of job files) gets the file:line of its
     * key in front, unless it already names one; clipping options name their own lines.
     */
    private static SparkTrainException at(JobConfig cfg, JobPlan.Part part, SparkTrainException e) {
        String key = switch (part) {
            case LOSS -> "loss";
            case OPTIMIZER -> "optimizer";
            case SCHEDULER -> "scheduler";
            case CLIP -> null;
        };
        if (key == null || e.getMessage().startsWith(cfg.origin(key))) return e;
        return new SparkTrainException(cfg.origin(key) + " (" + key + "): " + e.getMessage(), e);
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** The early stopping of the job (restored from a checkpoint on resume), or null. */
    EarlyStopping earlyStopping() {
        return earlyStopping;
    }

    /** The weights the run starts from (a resumed checkpoint's after {@link #resume}). */
    double[] initialParams() {
        return params;
    }

    /** Adds a listener after the job's own (progress, metrics, checkpoints). */
    public TrainJob listen(TrainListener l) {
        extraListeners.add(l);
        return this;
    }

    /** Continues from the newest acceptable checkpoint: its weights, optimizer, scheduler and early stopping. */
    Checkpoint resume(Configuration hconf, PrintStream out) {
        Resume.Restored r = fromCheckpoint.find(hconf, out);
        System.arraycopy(r.checkpoint().params(), 0, params, 0, params.length);
        optimizer = r.optimizer();
        scheduler = r.scheduler();
        earlyStopping = r.earlyStopping();
        return r.checkpoint();
    }

    /**
     * Runs the job on {@code jsc}; returns the epoch history (the epochs before a resume included).
     * Running out of memory on the driver ends it with one line saying what to raise.
     */
    public List<EpochStats> run(JavaSparkContext jsc, PrintStream out) {
        try {
            return train(jsc, out);
        } catch (OutOfMemoryError e) {
            throw new SparkTrainException(OutOfMemory.onDriver(e, params.length, Runtime.getRuntime().maxMemory()));
        } catch (SparkTrainException e) {
            if (!OutOfMemory.isCause(e)) throw e;
            // out of memory inside Spark's own code (a task's result, another thread): its line plus the sizes
            throw new SparkTrainException(OutOfMemory.withSizes(e.getMessage(), params.length), e);
        }
    }

    private List<EpochStats> train(JavaSparkContext jsc, PrintStream out) {
        Configuration hconf = jsc.hadoopConfiguration();
        out.printf(Locale.ROOT, "sparktrain: model %s (%d parameters), loss %s, optimizer %s, scheduler %s, BLAS %s%n",
                plan.model().spec(), params.length, plan.loss().name(), optimizer.name(),
                cfg.scheduler == null ? "none" : cfg.scheduler, dev.sparktrain.nn.NativeBlas.describe());
        String hook = TaskHooks.banner(jsc);
        if (hook != null) out.println(hook);
        Checkpoint resumed = cfg.run.resume == null ? null : resume(hconf, out);
        // blocks cut into the row groups of this run's batches (so the backend need not re-cut them)
        DataSettings loading = cfg.data.toBuilder().summedFor(cfg.train.batchSize()).build();
        LoadedData data = DataLoader.load(jsc, loading);
        out.println(RunConsole.dataLine(cfg.data.path(), data, cfg.data.features(), loading.trainGroups(data.trainRows())));
        DataFacts dataFacts = dataFacts(data);
        if (resumed != null) Resume.noteOtherData(resumed, dataFacts, out);

        List<Map<String, Object>> prior = resumed == null ? List.of() : fromCheckpoint.priorRows(resumed, hconf);
        MetricsLog metrics = new MetricsLog(cfg.outputDir, hconf, cfg.run.metricsPerStep, plan.regression(), new ArrayList<>(prior));
        boolean skipNonFinite = cfg.train.nonFinite() == TrainSettings.NonFinite.SKIP;
        if (skipNonFinite) metrics.countSkippedSteps();
        CheckpointWriter.Content content = new CheckpointWriter.Content(plan.model(), plan.loss().name(), optimizer, scheduler,
                earlyStopping, dataFacts, cfg.resolved(), metrics::epochRows);
        Trainer trainer = PlanRun.trainer(plan, optimizer, scheduler)
                .listen(progressPrinter(out))
                .listen(metrics)
                .listen(new CheckpointWriter(cfg.run.checkpointPolicy(cfg.train.epochs()), content, hconf, out));
        extraListeners.forEach(trainer::listen);
        if (earlyStopping != null) trainer.earlyStopping(earlyStopping);
        if (resumed != null) {
            trainer.resumeAt(resumed.epoch(), resumed.step(), resumed.metrics().stream().map(MetricsLog::toStats).toList());
        }
        List<EpochStats> history = PlanRun.fit(jsc, plan, data, trainer, params);
        if (history.isEmpty()) throw new SparkTrainException("no epochs were run");
        if (earlyStopping != null) RunConsole.printEarlyStop(out, earlyStopping);
        ModelDescription saved = description(data, history, skipNonFinite ? metrics.skippedSteps() : null);
        saved.save(cfg.outputDir, params, hconf);
        if (cfg.outputSafetensors != null) {
            String path = new org.apache.hadoop.fs.Path(cfg.outputDir, "model.safetensors").toString();
            SafetensorsModel.write(path, plan.model(), params, cfg.outputSafetensors, SafetensorsModel.metadata(saved), hconf);
            out.println("safetensors: " + path);
        }
        RunConsole.printDone(out, history.get(history.size() - 1), plan.regression(), cfg.outputDir);
        if (skipNonFinite) {
            out.printf(Locale.ROOT, "nonfinite: %d optimizer steps skipped for a NaN/Inf loss or gradient (train.nonfinite = skip)%n",
                    metrics.skippedSteps());
        }
        try {
            Report.Written w = Report.write(cfg.outputDir, hconf);
            out.println("report: " + w.html() + (w.png() == null ? "" : ", " + w.png()));
        } catch (RuntimeException e) { // the model is saved; a report failure must not fail the run
            out.println("report: not written: " + e.getMessage());
        }
        return history;
    }

    /** Epoch lines, and progress inside long epochs: a live line on a terminal, else a line every progress.interval. */
    private ProgressPrinter progressPrinter(PrintStream out) {
        boolean terminal = out == System.out && System.console() != null;
        return new ProgressPrinter(out, cfg.train.epochs(), terminal, cfg.run.progressInterval, System::nanoTime);
    }

    /** Facts about the data a checkpoint records, to note a resume on other data. */
    private DataFacts dataFacts(LoadedData data) {
        return DataFacts.of(cfg.data.path(), data.trainRows(), data.validationRows(), data.standardizer());
    }

    private ModelDescription description(LoadedData data, List<EpochStats> history, Long skippedSteps) {
        Sequential model = plan.model();
        ModelDescription.Scaling scaling = data.standardizer() == null ? null : new ModelDescription.Scaling(
                data.standardizer().mean(), data.standardizer().std(), data.layout().startsWith("dense"));
        ModelDescription.EarlyStop es = null;
        if (earlyStopping != null) {
            int weightsOf = earlyStopping.settings().restoreBest() && earlyStopping.bestParams() != null
                    ? earlyStopping.bestEpoch() : history.get(history.size() - 1).epoch();
            es = new ModelDescription.EarlyStop(earlyStopping.settings().monitor(), earlyStopping.stopped(),
                    earlyStopping.bestEpoch(), earlyStopping.best(), weightsOf);
        }
        return new ModelDescription(model.spec(), plan.loss().name(), cfg.lossOptions.asMap(), cfg.data.features(),
                cfg.data.classes(), model.tensorSizes(), data.labels() == null ? null : data.labels().names(), data.layout(),
                scaling, cfg.resolved(), MetricsLog.historyRows(history, plan.regression()), es, skippedSteps, model.precision());
    }
}
