package dev.sparktrain.ml;

import org.apache.spark.ml.classification.ProbabilisticClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;

/**
 * A spark.ml classifier that trains a sparktrain network (PyTorch's optimizers, LR schedulers,
 * clipping and losses) on a {@code Vector} features column, dense or sparse. Labels are class
 * indices 0..k-1 (index other labels with {@code StringIndexer}). Its model adds
 * {@code rawPredictionCol} (the logits), {@code probabilityCol} (softmax) and
 * {@code predictionCol}, like MLlib's classifiers, so it fits into {@code Pipeline},
 * {@code CrossValidator} and {@code MulticlassClassificationEvaluator}.
 *
 * <pre>{@code
 * SparkTrainClassifier clf = new SparkTrainClassifier()
 *     .setLayers("Linear(*, 128), GELU(), Dropout(0.1), Linear(128, *)")
 *     .setOptimizer("AdamW").setLr(3e-3).setOptimizerOptions("weight_decay=1e-4")
 *     .setScheduler("CosineAnnealingLR").setSchedulerOptions("T_max=30")
 *     .setMaxNorm(5.0).setEpochs(30).setBatchSize(64);
 * }</pre>
 */
public final class SparkTrainClassifier
        extends ProbabilisticClassifier<Vector, SparkTrainClassifier, SparkTrainClassificationModel>
        implements SparkTrainSetters<SparkTrainClassifier>, MLWritable {
    private static final long serialVersionUID = 1L;
    static final String UID_PREFIX = "sparkTrainClf";

    // No initializers: uid is set during super() (see Uids), trainParams right after it.
    private String uid;
    private TrainParams trainParams;

    public SparkTrainClassifier() {
        this(Uids.stash(org.apache.spark.ml.util.Identifiable.randomUID(UID_PREFIX)));
    }

    public SparkTrainClassifier(String uid) {
        this(Uids.stash(uid));
    }

    private SparkTrainClassifier(Uids.Pending pending) {
        super();
        uid();
        trainParams = new TrainParams(this, false);
    }

    @Override
    public String uid() {
        if (uid == null) uid = Uids.take(UID_PREFIX);
        return uid;
    }

    @Override
    public TrainParams trainParams() {
        return trainParams;
    }

    @Override
    public SparkTrainClassificationModel train(Dataset<?> dataset) {
        TrainedNet net = Training.fit(dataset, this, getFeaturesCol(), getLabelCol(), true, getClass().getSimpleName());
        return new SparkTrainClassificationModel(uid(), net);
    }

    @Override
    public SparkTrainClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return new Persistence.Writer(this, null);
    }

    public static MLReader<SparkTrainClassifier> read() {
        return new Persistence.Reader<>(SparkTrainClassifier.class, (uid, path, sc) -> new SparkTrainClassifier(uid));
    }

    public static SparkTrainClassifier load(String path) {
        return read().load(path);
    }
}
