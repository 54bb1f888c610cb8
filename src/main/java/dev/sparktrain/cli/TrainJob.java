package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.data.Blocks;
import dev.sparktrain.data.LoadedData;
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
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.ModelIO;
import dev.sparktrain.train.ProgressPrinter;
import dev.sparktrain.train.SparkBackend;
import dev.sparktrain.train.Trainer;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The training job: everything in the job file is built and validated first (so a typo fails in
 * a second, before Spark starts), then the data is loaded and cached, trained on and the model
 * saved.
 */
public final class TrainJob {
    private final JobConfig cfg;
    private final Sequential model;
    private final Loss loss;
    private final Optimizer optimizer;
    private final Scheduler scheduler;
    private final GradientClipper clipper;
    private final double[] params;

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
        this.params = model.initParams(cfg.train.seed());
        this.optimizer = at(cfg, "optimizer", () -> Optimizers.create(cfg.optimizer, cfg.optimizerOptions, groups(model, cfg)));
        this.scheduler = cfg.scheduler == null ? null
                : at(cfg, "scheduler", () -> Schedulers.create(cfg.scheduler, optimizer, cfg.schedulerOptions));
        this.clipper = GradientClippers.requested(cfg.clipOptions)
                ? GradientClippers.create(cfg.clipOptions, model.tensorSizes()) : null;
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

    /** One group, or weights and biases apart when the job sets {@code param_groups.bias.*}. */
    static List<GroupSpec> groups(Sequential model, JobConfig cfg) {
        if (cfg.biasGroupOptions == null) return GroupSpec.all(model.paramCount());
        return List.of(model.groupSpec(false, Options.empty("param group 0 (weights)")),
                model.groupSpec(true, cfg.biasGroupOptions));
    }

    /** Runs the job on {@code jsc}; returns the epoch history. */
    public List<EpochStats> run(JavaSparkContext jsc, PrintStream out) {
        out.printf(Locale.ROOT, "sparktrain: model %s (%d parameters), loss %s, optimizer %s, scheduler %s, BLAS %s%n",
                model.spec(), params.length, loss.name(), optimizer.name(), cfg.scheduler == null ? "none" : cfg.scheduler,
                dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName());
        LoadedData data = Blocks.loadCsv(jsc, cfg.data);
        long raw = 8L * (data.trainRows() + data.validationRows()) * (cfg.data.features() + 1);
        out.printf(Locale.ROOT, "data: %s: %d training rows, %d validation rows, %d partitions, cached %d bytes "
                        + "(%.1f bytes/row; raw float64 %d bytes)%n",
                cfg.data.path(), data.trainRows(), data.validationRows(), data.train().getNumPartitions(),
                data.cachedBytes(), data.cachedBytes() / (double) (data.trainRows() + data.validationRows()), raw);
        Trainer trainer = new Trainer(optimizer, scheduler, clipper, cfg.train)
                .listen(new ProgressPrinter(out, cfg.train.epochs()));
        List<EpochStats> history;
        try (SparkBackend backend = new SparkBackend(jsc, data.train(), data.validation(), model, loss)) {
            history = trainer.fit(params, backend);
        } finally {
            data.train().unpersist(false);
            if (data.validation() != null) data.validation().unpersist(false);
        }
        ModelIO.save(cfg.outputDir, description(data, history), params, jsc.hadoopConfiguration());
        EpochStats last = history.get(history.size() - 1);
        out.printf(Locale.ROOT, "done: final train_loss %.4f, val_loss %.4f, val_acc %.2f%%; model saved to %s%n",
                last.trainLoss(), last.valLoss(), 100 * last.valAccuracy(), cfg.outputDir);
        return history;
    }

    private Map<String, Object> description(LoadedData data, List<EpochStats> history) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model.spec());
        m.put("loss", loss.name());
        m.put("loss_options", cfg.lossOptions.asMap());
        m.put("features", cfg.data.features());
        m.put("classes", cfg.data.classes());
        m.put("tensor_sizes", model.tensorSizes());
        if (data.standardizer() != null) {
            m.put("standardize", Map.of("mean", data.standardizer().mean(), "std", data.standardizer().std()));
        }
        m.put("job", cfg.resolved());
        m.put("history", history.stream().map(TrainJob::epochJson).toList());
        return m;
    }

    static Map<String, Object> epochJson(EpochStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch", s.epoch());
        m.put("step", s.steps());
        m.put("train_loss", s.trainLoss());
        m.put("train_accuracy", nullIfNaN(s.trainAccuracy()));
        m.put("val_loss", nullIfNaN(s.valLoss()));
        m.put("val_accuracy", nullIfNaN(s.valAccuracy()));
        m.put("lr", s.lr());
        m.put("grad_norm", nullIfNaN(s.gradNorm()));
        m.put("seconds", s.seconds());
        m.put("rows_per_second", s.rowsPerSecond());
        return m;
    }

    private static Double nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
