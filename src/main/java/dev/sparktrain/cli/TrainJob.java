package dev.sparktrain.cli;

import dev.sparktrain.spark.load.DataSources;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.spark.load.LoadedData;
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
import dev.sparktrain.report.Report;
import dev.sparktrain.store.Checkpoint;
import dev.sparktrain.store.CheckpointWriter;
import dev.sparktrain.store.Checkpoints;
import dev.sparktrain.train.EarlyStopping;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.store.MetricsLog;
import dev.sparktrain.store.ModelIO;
import dev.sparktrain.train.ProgressPrinter;
import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.train.TrainListener;
import dev.sparktrain.train.Trainer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The training job: everything in the job file is built and validated first (so a typo fails in
 * a second, before Spark starts), then the checkpoint to resume from is chosen (if any), the data
 * is loaded and cached, trained on (metrics, checkpoints, progress lines after every epoch), and
 * the model and a report are saved.
 */
public final class TrainJob {
    private final JobConfig cfg;
    private final Sequential model;
    private final Loss loss;
    private Optimizer optimizer;
    private Scheduler scheduler;
    private EarlyStopping earlyStopping;
    private final GradientClipper clipper;
    private final double[] params;
    private final List<TrainListener> extraListeners = new ArrayList<>();

    public TrainJob(JobConfig cfg) {
        this.cfg = cfg;
        this.model = Sequential.parse(cfg.model, cfg.origin("model"));
        if (model.inFeatures() != cfg.data.features()) {
            throw new SparkTrainException(cfg.origin("model") + ": the first layer takes " + model.inFeatures()
                    + " features but data.features is " + cfg.data.features());
        }
        int classes = cfg.data.classes();
        this.loss = at(cfg, "loss", () -> Losses.create(cfg.loss, cfg.lossOptions, model.outFeatures()));
        if (loss.name().equals("CrossEntropyLoss") && model.outFeatures() != classes) {
            throw new SparkTrainException(cfg.origin("model") + ": the last layer gives " + model.outFeatures()
                    + " outputs but data.classes is " + classes + " (CrossEntropyLoss needs one output per class)");
        }
        if (loss.targetWidth(model.outFeatures()) != 1) {
            throw new SparkTrainException(cfg.origin("model") + ": " + loss.name() + " with " + model.outFeatures()
                    + " outputs needs " + model.outFeatures() + " targets per row, but the data has one label per row");
        }
        checkFitsInMemory(cfg, model, Runtime.getRuntime().maxMemory());
        this.params = model.initParams(cfg.train.seed());
        this.optimizer = at(cfg, "optimizer", () -> Optimizers.create(cfg.optimizer, cfg.optimizerOptions, groups(model, cfg)));
        this.scheduler = cfg.scheduler == null ? null
                : at(cfg, "scheduler", () -> Schedulers.create(cfg.scheduler, optimizer, cfg.schedulerOptions));
        this.earlyStopping = cfg.run.earlyStopping == null ? null : new EarlyStopping(cfg.run.earlyStopping);
        this.clipper = GradientClippers.requested(cfg.clipOptions)
                ? GradientClippers.create(cfg.clipOptions, model.tensorSizes()) : null;
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
     * Builds a component named by job-file key {@code key}; a refusal from inside it (which knows
     * nothing of job files) gets the file:line of that key in front, unless it already names one.
     */
    private static <T> T at(JobConfig cfg, String key, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (SparkTrainException e) {
            if (e.getMessage().startsWith(cfg.origin(key))) throw e;
            throw new SparkTrainException(cfg.origin(key) + " (" + key + "): " + e.getMessage(), e);
        }
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

    /** One group, or weights and biases apart when the job sets {@code param_groups.bias.*}. */
    static List<GroupSpec> groups(Sequential model, JobConfig cfg) {
        if (cfg.biasGroupOptions == null) return GroupSpec.all(model.paramCount());
        return List.of(model.groupSpec(false, Options.empty("param group 0 (weights)")),
                model.groupSpec(true, cfg.biasGroupOptions));
    }

    private boolean regression() {
        return loss.task() == Loss.Task.REGRESSION;
    }

    /** Runs the job on {@code jsc}; returns the epoch history (the epochs before a resume included). */
    public List<EpochStats> run(JavaSparkContext jsc, PrintStream out) {
        Configuration hconf = jsc.hadoopConfiguration();
        out.printf(Locale.ROOT, "sparktrain: model %s (%d parameters), loss %s, optimizer %s, scheduler %s, BLAS %s%n",
                model.spec(), params.length, loss.name(), optimizer.name(), cfg.scheduler == null ? "none" : cfg.scheduler,
                dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName());
        String hook = dev.sparktrain.spark.TaskHooks.banner(jsc);
        if (hook != null) out.println(hook);
        Checkpoint resumed = cfg.run.resume == null ? null : resume(hconf, out);
        LoadedData data = DataSources.load(jsc, cfg);
        out.println(dataLine(cfg.data.path(), data, cfg.data.features()));
        Map<String, Object> dataFacts = dataFacts(data);
        if (resumed != null) checkSameData(resumed, dataFacts, out);

        List<Map<String, Object>> prior = new ArrayList<>();
        if (resumed != null) prior.addAll(priorRows(resumed, hconf));
        MetricsLog metrics = new MetricsLog(cfg.outputDir, hconf, cfg.run.metricsPerStep, regression(), prior);
        boolean skipNonFinite = cfg.train.nonFinite() == dev.sparktrain.train.TrainSettings.NonFinite.SKIP;
        if (skipNonFinite) metrics.countSkippedSteps();
        Trainer trainer = new Trainer(optimizer, scheduler, clipper, cfg.train)
                .listen(new ProgressPrinter(out, cfg.train.epochs()))
                .listen(metrics)
                .listen(new CheckpointWriter(cfg.run.checkpointDir, cfg.run.checkpointEvery, cfg.run.checkpointKeep,
                        cfg.train.epochs(), hconf, model, loss.name(), optimizer, scheduler, earlyStopping, dataFacts,
                        cfg.resolved(), metrics::epochRows, out));
        extraListeners.forEach(trainer::listen);
        if (earlyStopping != null) trainer.earlyStopping(earlyStopping);
        if (resumed != null) {
            trainer.resumeAt(resumed.epoch(), resumed.step(), resumed.metrics().stream().map(MetricsLog::toStats).toList());
        }
        List<EpochStats> history;
        try (SparkBackend backend = new SparkBackend(jsc, data.train(), data.validation(), model, loss)) {
            history = trainer.fit(params, backend);
        } finally {
            data.train().unpersist(false);
            if (data.validation() != null) data.validation().unpersist(false);
        }
        if (history.isEmpty()) throw new SparkTrainException("no epochs were run");
        if (earlyStopping != null) printEarlyStop(out);
        Map<String, Object> description = description(data, history);
        if (skipNonFinite) description.put("nonfinite", Map.of("policy", "skip", "skipped_steps", metrics.skippedSteps()));
        ModelIO.save(cfg.outputDir, description, params, hconf);
        EpochStats last = history.get(history.size() - 1);
        String val = regression() ? String.format(Locale.ROOT, "val_rmse %.4f", Math.sqrt(last.valLoss()))
                : String.format(Locale.ROOT, "val_acc %.2f%%", 100 * last.valAccuracy());
        out.printf(Locale.ROOT, "done: final train_loss %.4f, val_loss %.4f, %s; model saved to %s%n",
                last.trainLoss(), last.valLoss(), val, cfg.outputDir);
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

    private void printEarlyStop(PrintStream out) {
        EarlyStopping es = earlyStopping;
        EarlyStopping.Settings s = es.settings();
        String restored = s.restoreBest() && es.bestParams() != null ? "; weights of epoch " + es.bestEpoch() + " restored" : "";
        if (es.stopped()) {
            out.printf(Locale.ROOT, "early stopping: %s did not improve by more than %s for %d epochs; best %.6g at epoch %d%s%n",
                    s.monitor(), s.minDelta(), s.patience(), es.best(), es.bestEpoch(), restored);
        } else {
            out.printf(Locale.ROOT, "early stopping: not triggered; best %s %.6g at epoch %d%s%n", s.monitor(), es.best(),
                    es.bestEpoch(), restored);
        }
    }

    // ---------------------------------------------------------------- resume

    /** Finds the newest acceptable checkpoint and restores params, optimizer, scheduler and early stopping from it. */
    Checkpoint resume(Configuration hconf, PrintStream out) {
        Checkpoints.Found<Restored> f = Checkpoints.resume(cfg.run.resume, hconf, this::restore,
                msg -> out.println("resume: " + msg));
        Restored r = f.accepted();
        Checkpoint c = f.checkpoint();
        System.arraycopy(c.params(), 0, params, 0, params.length);
        optimizer = r.optimizer;
        scheduler = r.scheduler;
        earlyStopping = r.earlyStopping;
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
        return c;
    }

    private record Restored(Optimizer optimizer, Scheduler scheduler, EarlyStopping earlyStopping) {
    }

    /**
     * Accepts a checkpoint of this job's model, loss, optimizer and scheduler, with state loaded
     * into fresh objects (so a refused checkpoint leaves nothing half-loaded); refuses any other.
     */
    private Restored restore(Checkpoint c) {
        if (!model.spec().equals(c.model()) || !Arrays.equals(model.tensorSizes(), c.tensorSizes())
                || c.params().length != params.length) {
            throw new SparkTrainException("saved for model " + c.model() + " (" + c.params().length
                    + " parameters), the job's model is " + model.spec() + " (" + params.length + " parameters)");
        }
        if (!loss.name().equals(c.loss())) {
            throw new SparkTrainException("saved with loss " + c.loss() + ", the job uses " + loss.name());
        }
        if (c.epoch() < 0 || c.step() < 0) {
            throw new SparkTrainException("epoch " + c.epoch() + " and step " + c.step() + " must be >= 0");
        }
        c.metrics().forEach(MetricsLog::toStats); // the rows the resumed run reports: refused here if malformed
        Object savedOpt = c.optimizer() == null ? null : c.optimizer().get("optimizer");
        if (!optimizer.name().equals(savedOpt)) {
            throw new SparkTrainException("saved by optimizer " + savedOpt + ", the job uses " + optimizer.name());
        }
        Object savedSched = c.scheduler() == null ? "none" : c.scheduler().get("scheduler");
        String jobSched = cfg.scheduler == null ? "none" : cfg.scheduler;
        if ((c.scheduler() == null) != (cfg.scheduler == null)) {
            throw new SparkTrainException("saved with scheduler " + savedSched + ", the job has scheduler " + jobSched);
        }
        Optimizer o = Optimizers.create(cfg.optimizer, cfg.optimizerOptions, groups(model, cfg));
        Scheduler s = cfg.scheduler == null ? null : Schedulers.create(cfg.scheduler, o, cfg.schedulerOptions);
        EarlyStopping es = cfg.run.earlyStopping == null ? null : new EarlyStopping(cfg.run.earlyStopping);
        try {
            o.loadState(c.optimizer());
            if (s != null) s.loadState(c.scheduler());
            if (es != null && c.earlyStopping() != null) es.loadState(c.earlyStopping());
            if (es != null && es.bestParams() != null && es.bestParams().length != params.length) {
                throw new SparkTrainException("its early-stopping best weights have " + es.bestParams().length
                        + " values, the model " + params.length);
            }
        } catch (SparkTrainException e) {
            throw e;
        } catch (RuntimeException e) { // a state map of the wrong shape
            throw new SparkTrainException("its optimizer/scheduler state does not fit the job (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + ")", e);
        }
        return new Restored(o, s, es);
    }

    /** Keys that change the trajectory (everything but epochs, output and run bookkeeping). */
    static List<String> jobDifferences(Map<String, String> saved, Map<String, String> now) {
        List<String> diffs = new ArrayList<>();
        java.util.Set<String> keys = new java.util.TreeSet<>(saved.keySet());
        keys.addAll(now.keySet());
        for (String k : keys) {
            if (k.equals("train.epochs") || k.equals("output.dir") || k.equals("resume") || k.startsWith("checkpoint.")
                    || k.startsWith("metrics.") || k.startsWith("early_stopping.")) {
                continue;
            }
            if (!Objects.equals(saved.get(k), now.get(k))) {
                diffs.add(k + " (" + saved.getOrDefault(k, "unset") + " -> " + now.getOrDefault(k, "unset") + ")");
            }
        }
        return diffs;
    }

    private static void checkSameData(Checkpoint c, Map<String, Object> now, PrintStream out) {
        if (c.data() == null) return;
        for (String k : List.of("train_rows", "validation_rows")) {
            Object a = c.data().get(k);
            Object b = now.get(k);
            if (a instanceof Number x && b instanceof Number y && x.longValue() != y.longValue()) {
                out.println("resume: note: " + k + " was " + x + " and is now " + y + " (other data)");
            }
        }
        if (c.data().get("standardize") instanceof Map<?, ?> a && now.get("standardize") instanceof Map<?, ?> b
                && !(a.get("mean") instanceof double[] am && a.get("std") instanceof double[] as
                && Arrays.equals(am, (double[]) b.get("mean")) && Arrays.equals(as, (double[]) b.get("std")))) {
            out.println("resume: note: the standardization statistics differ from the checkpoint's (other data)");
        }
    }

    /** Epoch rows from the checkpoint plus, with per-step metrics, the step rows of those epochs from metrics.jsonl. */
    private List<Map<String, Object>> priorRows(Checkpoint c, Configuration hconf) {
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

    private Map<String, Object> dataFacts(LoadedData data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", cfg.data.path());
        m.put("train_rows", data.trainRows());
        m.put("validation_rows", data.validationRows());
        if (data.standardizer() != null) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("mean", data.standardizer().mean());
            st.put("std", data.standardizer().std());
            m.put("standardize", st);
        }
        return m;
    }

    private Map<String, Object> description(LoadedData data, List<EpochStats> history) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.spec());
        m.put("loss", loss.name());
        m.put("loss_options", cfg.lossOptions.asMap());
        m.put("features", cfg.data.features());
        m.put("classes", cfg.data.classes());
        m.put("tensor_sizes", model.tensorSizes());
        if (data.labels() != null) m.put("labels", data.labels().names());
        m.put("storage", data.layout());
        if (data.standardizer() != null) {
            m.put("standardize", Map.of("mean", data.standardizer().mean(), "std", data.standardizer().std(),
                    "centered", data.layout().startsWith("dense")));
        }
        m.put("job", cfg.resolved());
        m.put("history", history.stream().map(s -> epochJson(s, regression())).toList());
        if (earlyStopping != null) {
            Map<String, Object> es = new LinkedHashMap<>();
            es.put("monitor", earlyStopping.settings().monitor());
            es.put("stopped", earlyStopping.stopped());
            es.put("best_epoch", earlyStopping.bestEpoch());
            es.put("best", earlyStopping.best());
            es.put("weights_of_epoch", earlyStopping.settings().restoreBest() && earlyStopping.bestParams() != null
                    ? earlyStopping.bestEpoch() : history.get(history.size() - 1).epoch());
            m.put("early_stopping", es);
        }
        return m;
    }

    /**
     * The data line printed at start: rows, partitions, storage, cached bytes and bytes per row
     * next to the raw dense float64 size N×(d+1)×8 (and the non-zeros for sparse storage).
     */
    static String dataLine(String path, LoadedData data, int features) {
        long rows = data.trainRows() + data.validationRows();
        long raw = 8L * rows * (features + 1);
        String nz = data.nonZeros() < 0 ? "" : String.format(Locale.ROOT, ", %d non-zeros (density %.4g%%)",
                data.nonZeros(), 100.0 * data.nonZeros() / Math.max(1.0, (double) rows * features));
        return String.format(Locale.ROOT, "data: %s: %d training rows, %d validation rows, %d partitions, %s%s, cached %d bytes "
                        + "(%.1f bytes/row; raw float64 %d bytes)",
                path, data.trainRows(), data.validationRows(), data.train().getNumPartitions(), data.layout(), nz,
                data.cachedBytes(), data.cachedBytes() / (double) Math.max(1, rows), raw);
    }

    /** An epoch's figures as saved in model.json's history (the metrics.jsonl row without its kind). */
    static Map<String, Object> epochJson(EpochStats s, boolean regression) {
        Map<String, Object> m = MetricsLog.epochRow(s, regression);
        m.remove("kind");
        return m;
    }
}
