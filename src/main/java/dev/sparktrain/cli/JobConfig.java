package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.data.DataSettings;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Precision;
import dev.sparktrain.optim.lr.Scheduler;
import dev.sparktrain.optim.lr.SchedulerList;
import dev.sparktrain.plan.PlanChoices;
import dev.sparktrain.store.Safetensors;
import dev.sparktrain.train.TrainSettings;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The job file turned into typed settings. Keys are grouped by prefix: {@code data.*},
 * {@code model} (+ {@code model.init}: a safetensors file of starting weights), {@code loss} (+ {@code loss.*} = the PyTorch constructor keywords),
 * {@code optimizer} (+ {@code optimizer.*}), {@code scheduler} (+ {@code scheduler.*}, and
 * {@code scheduler.interval}; {@code scheduler = none} for none), {@code clip.*} ({@code clip = none}
 * or {@code clip.max_norm = 0} for none), {@code train.*}, {@code output.dir} (+ {@code output.safetensors[.dtype]}: the weights also as
 * model.safetensors), and the run's
 * {@code checkpoint.*}, {@code metrics.*}, {@code early_stopping.*} and {@code resume} (see
 * {@link RunOptions}). Anything else is refused with the list of allowed keys.
 */
public final class JobConfig {
    static final List<String> DATA_KEYS = DataSettings.KEYS;
    static final List<String> TRAIN_KEYS = List.of("epochs", "batch_size", "shuffle", "seed", "nonfinite", "precision", "sharded_optimizer");
    static final List<String> TOP_KEYS = List.of("model", "model.init", "loss", "optimizer", "scheduler", "clip", "output.dir",
            "output.safetensors", "output.safetensors.dtype", "resume");
    static final List<String> OPEN_PREFIXES = List.of("loss.", "optimizer.", "scheduler.", "clip.", "param_groups.bias.");

    public final DataSettings data;
    public final String model;
    /** A safetensors file (any Hadoop path) to start from instead of the seeded init, or null. */
    public final String modelInit;
    public final String loss;
    public final Options lossOptions;
    public final String optimizer;
    public final Options optimizerOptions;
    public final String scheduler;
    public final Options schedulerOptions;
    public final Scheduler.Interval schedulerInterval;
    public final Options clipOptions;
    /** Overrides for a second param group holding every bias (e.g. weight_decay = 0); null for one group. */
    public final Options biasGroupOptions;
    public final TrainSettings train;
    /** The model's compute precision ({@code train.precision}); its weights and the optimizer stay float64. */
    public final Precision precision;
    public final String outputDir;
    /** The dtype of the model.safetensors written next to params.bin, or null for none. */
    public final Safetensors.Dtype outputSafetensors;
    /** Checkpoints, resume, metrics and early stopping. */
    public final RunOptions run;
    private final JobFile file;

    public JobConfig(JobFile f) {
        this.file = f;
        Map<String, String> v = f.values();
        for (String k : v.keySet()) checkKnown(k);
        Options dataO = section("data.");
        Options trainO = section("train.");
        long seed = trainO.getLong("seed", 42);
        DataSettings parsed = DataSettings.fromOptions(dataO, seed);
        int classes = parsed.classes();
        this.model = require("model");
        this.modelInit = v.get("model.init");
        this.loss = v.getOrDefault("loss", classes > 0 ? "CrossEntropyLoss" : "MSELoss");
        this.lossOptions = section("loss.");
        // labels equal to loss.ignore_index are read as that target (train, evaluate and predict alike)
        this.data = parsed.toBuilder().ignoredLabel(Losses.ignoredLabel(loss, lossOptions)).build();
        this.optimizer = require("optimizer");
        this.optimizerOptions = section("optimizer.");
        this.scheduler = PlanChoices.isNone(v.get("scheduler")) ? null : v.get("scheduler");
        Options sched = section("scheduler.");
        String interval = sched.getChoice("interval", "natural", "natural", "epoch", "step");
        this.schedulerInterval = switch (interval) {
            case "epoch" -> Scheduler.Interval.EPOCH;
            case "step" -> Scheduler.Interval.STEP;
            default -> null;
        };
        Options so = sched.without("interval");
        if (so.raw("schedulers") instanceof String list) {
            so = so.with("schedulers", SchedulerList.parse(list, origin("scheduler.schedulers")));
        }
        this.schedulerOptions = so;
        if (scheduler == null && !so.keys().isEmpty()) {
            String k = "scheduler." + so.keys().iterator().next();
            throw new SparkTrainException(origin(k) + ": '" + k + "': scheduler options given but "
                    + (v.containsKey("scheduler") ? "'scheduler' is none" : "no 'scheduler' is named"));
        }
        this.clipOptions = clipOptions(v.get("clip"));
        Options bias = section("param_groups.bias.");
        this.biasGroupOptions = bias.keys().isEmpty() ? null : bias;
        int epochs = trainO.getInt("epochs", 10);
        if (epochs < 1) throw trainO.error("epochs", "must be >= 1, got " + epochs);
        int batch = trainO.getInt("batch_size", 64);
        if (batch < 0) throw trainO.error("batch_size", "must be >= 1 (or 0 for full batch), got " + batch);
        TrainSettings.NonFinite nonFinite = trainO.getChoice("nonfinite", "stop", "stop", "skip").equals("skip")
                ? TrainSettings.NonFinite.SKIP : TrainSettings.NonFinite.STOP;
        TrainSettings.Sharding sharding = TrainSettings.Sharding.valueOf(
                trainO.getChoice("sharded_optimizer", "auto", "auto", "on", "off").toUpperCase(java.util.Locale.ROOT));
        this.train = new TrainSettings(epochs, batch, trainO.getBool("shuffle", true), seed, schedulerInterval, nonFinite, sharding);
        this.precision = Precision.parse(trainO.getChoice("precision", "float64", "float64", "float32"));
        this.outputDir = v.getOrDefault("output.dir", "runs/latest");
        this.outputSafetensors = outputSafetensors();
        this.run = new RunOptions(section("checkpoint."), section("metrics."), section("progress."), section("early_stopping."),
                v.get("resume"), outputDir, data.validationFraction());
    }

    /** {@code clip.*}, or none with {@code clip = none} (the only value {@code clip} takes). */
    private Options clipOptions(String clip) {
        Options o = section("clip.");
        if (clip == null) return o;
        if (!PlanChoices.isNone(clip)) {
            throw new SparkTrainException(origin("clip") + ": 'clip' is '" + clip + "', expected none (clipping itself is "
                    + "set by clip.max_norm or clip.clip_value)");
        }
        if (!o.keys().isEmpty()) {
            String k = "clip." + o.keys().iterator().next();
            throw new SparkTrainException(origin(k) + ": '" + k + "': clip options given but 'clip' is none");
        }
        return o;
    }

    /** {@code output.safetensors = true} with its dtype (float64 unless {@code output.safetensors.dtype} says float32), or null. */
    private Safetensors.Dtype outputSafetensors() {
        Options top = section("");
        String dtype = top.getChoice("output.safetensors.dtype", "float64", "float64", "float32");
        if (!top.getBool("output.safetensors", false)) {
            if (file.values().containsKey("output.safetensors.dtype")) {
                throw new SparkTrainException(origin("output.safetensors.dtype") + ": 'output.safetensors.dtype' given but "
                        + "output.safetensors is not true");
            }
            return null;
        }
        return dtype.equals("float32") ? Safetensors.Dtype.F32 : Safetensors.Dtype.F64;
    }

    private void checkKnown(String k) {
        if (TOP_KEYS.contains(k)) return;
        for (String p : OPEN_PREFIXES) if (k.startsWith(p) && k.length() > p.length()) return;
        if (k.startsWith("data.") && DATA_KEYS.contains(k.substring(5))) return;
        if (k.startsWith("train.") && TRAIN_KEYS.contains(k.substring(6))) return;
        for (Map.Entry<String, List<String>> e : RunOptions.KEYS.entrySet()) {
            if (k.startsWith(e.getKey()) && e.getValue().contains(k.substring(e.getKey().length()))) return;
        }
        TreeSet<String> allowed = new TreeSet<>(TOP_KEYS);
        DATA_KEYS.forEach(d -> allowed.add("data." + d));
        TRAIN_KEYS.forEach(t -> allowed.add("train." + t));
        RunOptions.KEYS.forEach((p, ks) -> ks.forEach(x -> allowed.add(p + x)));
        OPEN_PREFIXES.forEach(p -> allowed.add(p + "<option>"));
        String near = dev.sparktrain.config.Names.closest(k, JobKeys.all());
        throw new SparkTrainException(origin(k) + ": unknown key '" + k + "'; " + (near == null ? "" : "did you mean " + near + "? ")
                + "allowed: " + String.join(", ", allowed) + " (train --help lists every key)");
    }

    /** The keys under {@code prefix}, as Options whose errors name the job file line and the full key. */
    private Options section(String prefix) {
        Map<String, Object> m = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : file.values().entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                String k = e.getKey().substring(prefix.length());
                m.put(k, e.getValue());
                origins.put(k, file.origin(e.getKey()) + ": '" + e.getKey() + "'");
            }
        }
        return new SectionOptions(prefix, m, origins).options();
    }

    private String require(String key) {
        String v = file.values().get(key);
        if (v == null) throw new SparkTrainException("job file: required key '" + key + "' is missing");
        return v;
    }

    public String origin(String key) {
        return file.origin(key);
    }

    /** Options for one section; the error source names the section, e.g. "job file [optimizer.*]". */
    private record SectionOptions(String prefix, Map<String, Object> values, Map<String, String> origins) {
        Options options() {
            return new Options("job file " + prefix + "*", values, origins);
        }
    }

    /** Every effective key and value, for the run's record. */
    public Map<String, String> resolved() {
        return new LinkedHashMap<>(file.values());
    }
}
