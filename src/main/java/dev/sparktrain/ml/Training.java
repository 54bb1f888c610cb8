package dev.sparktrain.ml;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.spark.load.DataLoader;
import dev.sparktrain.data.DataSettings;
import dev.sparktrain.data.Labels;
import dev.sparktrain.spark.load.LoadedData;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Precision;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.lr.Scheduler;
import dev.sparktrain.optim.lr.SchedulerList;
import dev.sparktrain.plan.JobPlan;
import dev.sparktrain.plan.PlanChoices;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.store.MetricsLog;
import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.train.TrainSettings;
import dev.sparktrain.train.Trainer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.attribute.BinaryAttribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code fit} of the ML estimators: the params become the job's pieces (network, loss, optimizer,
 * scheduler, clipping — all built and checked before any data is read), the label and feature
 * columns are loaded into cached packed blocks by {@link DataLoader} (dense or sparse vectors),
 * and {@link Trainer} runs over a {@link SparkBackend} exactly as a training job does ({@link FitRun}:
 * early stopping, checkpoints, resume).
 */
final class Training {
    private Training() {
    }

    /** The job plan built from the params and the data's shape, and the classes the label has (0 for regression). */
    record Plan(JobPlan job, int classes) {
    }

    /**
     * Trains on {@code dataset}'s label and feature columns. {@code classifier}: labels are class
     * indices 0..k-1 (k from the label column's metadata, else the largest label + 1; the last
     * layer's output {@code *} takes k); otherwise real values.
     */
    static TrainedNet fit(Dataset<?> dataset, SparkTrainParams p, String featuresCol, String labelCol, boolean classifier,
                          String who) {
        String indicator = FitRun.validationIndicator(dataset, p, who);
        Dataset<Row> all = selectColumns(dataset, featuresCol, labelCol, p.getWeightCol(), indicator, who);
        Dataset<Row> df = indicator == null ? all : all.where(functions.not(col(indicator))).drop(indicator);
        Dataset<Row> validation = indicator == null ? null : all.where(col(indicator)).drop(indicator);
        StructField ff = df.schema().fields()[1];
        StructField lf = df.schema().fields()[0];
        String lossName = canonicalLoss(p.getLoss());
        int metaK = classifier ? metaClasses(lf) : 0;
        boolean binary = Losses.task(lossName) == Loss.Task.BINARY;
        boolean countClasses = classifier && metaK == 0 && !binary;
        Integer ignored = built(who, () -> Losses.ignoredLabel(lossName,
                new Options("lossOptions", options(p.getLossOptions(), "lossOptions", who))));
        // One look at the data before loading it: a first feature vector (its size when the
        // column has no ML metadata, and whether it is sparse), with the label range when the
        // class count must come from the labels (the loss's ignore_index is no class: left out).
        Row look;
        if (countClasses) {
            Column label = ignored == null ? col(labelCol) : functions.when(col(labelCol).notEqual(ignored), col(labelCol));
            look = df.agg(functions.first(col(featuresCol), true), functions.max(label), functions.min(label)).head();
        } else {
            List<Row> first = df.select(col(featuresCol)).where(col(featuresCol).isNotNull()).limit(1).collectAsList();
            look = first.isEmpty() ? null : first.get(0);
        }
        if (look == null || look.isNullAt(0)) {
            throw new IllegalArgumentException(who + ": the training Dataset has no rows (with a non-null featuresCol '"
                    + featuresCol + "')");
        }
        Vector v0 = look.getAs(0);
        int metaSize = AttributeGroup.fromStructField(ff).size();
        int features = metaSize >= 0 ? metaSize : v0.size();
        if (features < 1) throw new IllegalArgumentException(who + ": featuresCol '" + featuresCol + "' holds empty vectors");

        int classes = 0;
        int outputs = 1;
        if (classifier) {
            if (binary) {
                if (metaK > 2) {
                    throw new IllegalArgumentException(who + ": BCEWithLogitsLoss is for 2 classes (labels 0/1) but labelCol '"
                            + labelCol + "' has " + metaK + " (its metadata); use CrossEntropyLoss");
                }
                classes = 2;
            } else {
                classes = metaK > 0 ? metaK : classCount(look, labelCol, who, Losses.options(lossName).contains("ignore_index"));
                if (LayerSpec.outputsOpen(p.getLayers())) {
                    if (classes < 2) {
                        throw new IllegalArgumentException(who + ": labelCol '" + labelCol + "' has a single class (0); "
                                + "a classifier needs at least 2");
                    }
                    outputs = classes;
                } else {
                    outputs = -1; // from the layers, checked against the class count
                }
            }
        }
        Plan plan = plan(p, features, outputs, classes, classifier, who, featuresCol, labelCol);

        PackedBlock.Storage storage = switch (p.getStorage().toLowerCase(Locale.ROOT)) {
            case "dense" -> PackedBlock.Storage.DENSE;
            case "sparse" -> PackedBlock.Storage.SPARSE;
            default -> v0 instanceof SparseVector sv && sv.indices().length * 3L <= 2L * sv.size()
                    ? PackedBlock.Storage.SPARSE : PackedBlock.Storage.DENSE;
        };
        DataSettings settings = DataSettings.builder(null, features)
                .labelColumn(labelCol)
                .featureColumns(List.of(featuresCol))
                .weightColumn(p.getWeightCol())
                .indexLabels()
                .ignoredLabel(ignored)
                .classes(plan.classes())
                .validationFraction(p.getValidationFraction())
                .partitions(p.getNumPartitions())
                .seed(p.getSeed())
                .standardize(p.getStandardize())
                .storage(storage == PackedBlock.Storage.SPARSE ? DataSettings.StorageChoice.SPARSE : DataSettings.StorageChoice.DENSE)
                .precision(p.getPrecision().equalsIgnoreCase("float32") ? PackedBlock.Precision.FLOAT32 : PackedBlock.Precision.FLOAT64)
                .summedFor(plan.job().train().batchSize())
                .build();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        FitRun run = new FitRun(p, plan.job(), who, jsc.hadoopConfiguration());
        LoadedData data = DataLoader.load(df, validation, settings);
        List<EpochStats> history = run.fit(jsc, data);
        return new TrainedNet(plan.job().model(), plan.job().loss().name(), plan.job().lossOptions().asMap(), run.params(),
                data.standardizer(), plan.classes(), data.layout(), MetricsLog.historyRows(history, plan.job().regression()));
    }

    /**
     * The label and features columns, then the weight column when weightCol is set (checked: it
     * must exist), then the validation indicator when there is one.
     */
    private static Dataset<Row> selectColumns(Dataset<?> dataset, String featuresCol, String labelCol, String weightCol,
                                              String indicator, String who) {
        List<Column> cols = new ArrayList<>(List.of(col(labelCol), col(featuresCol)));
        if (!weightCol.isBlank()) {
            if (!List.of(dataset.columns()).contains(weightCol)) {
                throw new IllegalArgumentException(who + ": weightCol '" + weightCol + "' is not a column of the training "
                        + "Dataset; its columns are " + String.join(", ", dataset.columns()));
            }
            cols.add(col(weightCol));
        }
        if (indicator != null) cols.add(col(indicator));
        return dataset.select(cols.toArray(new Column[0]));
    }

    /**
     * Builds the network, loss, optimizer, scheduler, clipper and loop settings from the params;
     * {@code outputs} -1 means "as the layers say". Refuses bad combinations with
     * IllegalArgumentException naming the param.
     */
    static Plan plan(SparkTrainParams p, int features, int outputs, int classes, boolean classifier, String who,
                     String featuresCol, String labelCol) {
        String lossName = canonicalLoss(p.getLoss());
        Sequential model;
        try {
            model = LayerSpec.resolve(p.getLayers(), features, outputs < 0 ? 1 : outputs)
                    .withPrecision(Precision.parse(p.getTrainPrecision()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(who + ": layers: " + e.getMessage(), e);
        }
        if (model.inFeatures() != features) {
            throw new IllegalArgumentException(who + ": layers: the first layer takes " + model.inFeatures()
                    + " features but featuresCol '" + featuresCol + "' holds vectors of size " + features
                    + " (write Linear(*, ...) to take the vector's size)");
        }
        int out = model.outFeatures();
        int k;
        if (!classifier) {
            if (out != 1) {
                throw new IllegalArgumentException(who + ": layers: a regressor's last layer must give 1 output, got " + out);
            }
            k = 0;
        } else if (Losses.task(lossName) == Loss.Task.BINARY) {
            if (out != 1) {
                throw new IllegalArgumentException(who + ": layers: BCEWithLogitsLoss in a classifier needs 1 output (the "
                        + "logit of class 1), the last layer gives " + out + "; use CrossEntropyLoss for " + out + " classes");
            }
            k = 2;
        } else {
            if (out < 2) {
                throw new IllegalArgumentException(who + ": layers: " + lossName + " needs one output per class (at least 2), "
                        + "the last layer gives " + out + "; for one logit use loss BCEWithLogitsLoss");
            }
            if (classes > out) {
                throw new IllegalArgumentException(who + ": layers: the last layer gives " + out + " outputs but labelCol '"
                        + labelCol + "' has " + classes + " classes (write Linear(..., *) to take the class count)");
            }
            k = out;
        }
        Map<String, Object> optOptions = options(p.getOptimizerOptions(), "optimizerOptions", who);
        if (p.isDefined(p.lr())) optOptions.put("lr", p.getLr());
        String scheduler = null;
        Map<String, Object> so = Map.of();
        if (!p.getScheduler().strip().equalsIgnoreCase(TrainParams.NO_SCHEDULER)) {
            scheduler = p.getScheduler().strip();
            so = options(p.getSchedulerOptions(), "schedulerOptions", who);
            if (so.get("schedulers") instanceof String list) {
                so.put("schedulers", built(who, () -> SchedulerList.parse(list, "schedulerOptions: 'schedulers'")));
            }
        } else if (!p.getSchedulerOptions().isBlank()) {
            throw new IllegalArgumentException(who + ": schedulerOptions are set but scheduler is none");
        }
        Scheduler.Interval interval = switch (p.getSchedulerInterval().strip().toLowerCase(Locale.ROOT)) {
            case "epoch" -> Scheduler.Interval.EPOCH;
            case "step" -> Scheduler.Interval.STEP;
            default -> null;
        };
        if (p.getMaxNorm() > 0 && p.getClipValue() > 0) {
            throw new IllegalArgumentException(who + ": maxNorm and clipValue are both set; choose clip_grad_norm_ (maxNorm) "
                    + "or clip_grad_value_ (clipValue)");
        }
        Map<String, Object> clip = p.getMaxNorm() > 0 ? Map.of("max_norm", p.getMaxNorm(), "norm_type", p.getNormType())
                : p.getClipValue() > 0 ? Map.of("clip_value", p.getClipValue()) : Map.of();
        Options bias = p.getBiasOptions().isBlank() ? null
                : new Options("biasOptions", options(p.getBiasOptions(), "biasOptions", who));
        PlanChoices choices = new PlanChoices(model, lossName, new Options("lossOptions", options(p.getLossOptions(), "lossOptions", who)),
                p.getOptimizer(), new Options("optimizerOptions", optOptions), bias, scheduler, new Options("schedulerOptions", so),
                new Options("clipping", clip), new TrainSettings(p.getEpochs(), p.getBatchSize(), p.getShuffle(), p.getSeed(), interval, null,
                TrainSettings.Sharding.valueOf(p.getShardedOptimizer().toUpperCase(java.util.Locale.ROOT))));
        JobPlan plan = JobPlan.build(choices, (part, e) -> new IllegalArgumentException(who + ": "
                + (part == JobPlan.Part.OPTIMIZER ? optimizerRefusal(e.getMessage(), bias != null, optOptions) : e.getMessage()), e),
                loss -> { });
        return new Plan(plan, k);
    }

    /** A group's refusal names the group ("SGD param group 0: 'momentum': ..."): say which param set it. */
    private static String optimizerRefusal(String m, boolean biasGroup, Map<String, Object> optOptions) {
        String s = m.startsWith("optimizerOptions") || m.startsWith("biasOptions")
                ? m : "optimizerOptions" + (biasGroup ? "/biasOptions" : "") + ": " + m;
        return s.contains("'lr'") && !optOptions.containsKey("lr") ? s + " (set the lr param, or lr=... in optimizerOptions)" : s;
    }

    /** The loss's registered name (the param is checked case-insensitively). */
    private static String canonicalLoss(String name) {
        for (String n : Losses.names()) if (n.equalsIgnoreCase(name.strip())) return n;
        return name.strip();
    }

    private static Map<String, Object> options(String text, String param, String who) {
        try {
            return new LinkedHashMap<>(OptionsText.parse(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(who + ": " + param + ": " + e.getMessage(), e);
        }
    }

    /** Runs a factory; its SparkTrainException (which names the options param and key) becomes IllegalArgumentException. */
    private static <T> T built(String who, java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (SparkTrainException e) {
            throw new IllegalArgumentException(who + ": " + e.getMessage(), e);
        }
    }

    /** Classes from the label column's ML attribute (StringIndexer writes it), or 0 when it has none. */
    private static int metaClasses(StructField f) {
        try {
            Attribute a = Attribute.fromStructField(f);
            if (a instanceof BinaryAttribute) return 2;
            if (a instanceof NominalAttribute n && n.getNumValues().isDefined()) return (Integer) n.getNumValues().get();
        } catch (RuntimeException e) {
            return 0; // no or unreadable ML metadata: count from the data
        }
        return 0;
    }

    /**
     * Largest label + 1, from the label range in {@code look} (columns 1, 2: max, min); refuses
     * non-indices, pointing to ignore_index when the loss has it.
     */
    private static int classCount(Row look, String labelCol, String who, boolean lossCanIgnore) {
        if (look.isNullAt(1)) throw new IllegalArgumentException(who + ": labelCol '" + labelCol + "' has no values");
        double max = ((Number) look.get(1)).doubleValue();
        double min = ((Number) look.get(2)).doubleValue();
        for (double m : new double[] {min, max}) {
            if (m < 0 || m != Math.rint(m) || m > 1_000_000) {
                throw new SparkTrainException(who + ": labelCol '" + labelCol + "' has the label " + m
                        + "; a classifier takes class indices 0, 1, ... (index other labels with StringIndexer"
                        + (lossCanIgnore ? ", or leave such rows out with ignore_index=" + Labels.key(m) + " in lossOptions)" : ")"));
            }
        }
        return (int) max + 1;
    }

    private static Column col(String name) {
        return functions.col("`" + name.replace("`", "``") + "`");
    }
}
