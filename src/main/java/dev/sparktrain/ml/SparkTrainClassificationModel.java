package dev.sparktrain.ml;

import dev.sparktrain.train.EpochStats;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.classification.ProbabilisticClassificationModel;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * A trained sparktrain classifier. {@code transform} scores chunks of rows through the batch
 * kernel on the executors and appends, as MLlib's classifiers do: {@code rawPrediction} = the logits (for a single-logit
 * BCEWithLogitsLoss model {@code [-z, z]}, as MLlib's binary logistic regression), {@code
 * probability} = their softmax (the sigmoid for one logit), {@code prediction} = the argmax (or
 * by {@code thresholds}). Dense and sparse feature vectors are scored by the training kernel
 * with the standardization fitted on the training rows.
 */
public final class SparkTrainClassificationModel
        extends ProbabilisticClassificationModel<Vector, SparkTrainClassificationModel>
        implements SparkTrainParams, MLWritable {
    private static final long serialVersionUID = 1L;

    private String uid;
    private TrainParams trainParams;
    private TrainedNet net;

    SparkTrainClassificationModel(String uid, TrainedNet net) {
        this(Uids.stash(uid), net);
    }

    private SparkTrainClassificationModel(Uids.Pending pending, TrainedNet net) {
        super();
        uid();
        this.net = net;
        trainParams = new TrainParams(this, false);
    }

    @Override
    public String uid() {
        if (uid == null) uid = Uids.take(SparkTrainClassifier.UID_PREFIX);
        return uid;
    }

    @Override
    public TrainParams trainParams() {
        return trainParams;
    }

    private boolean singleLogit() {
        return net.outputs() == 1;
    }

    @Override
    public int numClasses() {
        return singleLogit() ? 2 : net.outputs();
    }

    @Override
    public int numFeatures() {
        return net.numFeatures();
    }

    /** The trained network's layers, e.g. {@code Linear(64, 128), ReLU(), Linear(128, 10)}. */
    public String layersSpec() {
        return net.layers();
    }

    /** The flat parameters in PyTorch's {@code model.parameters()} order (a copy). */
    public double[] weights() {
        return net.params();
    }

    /** Figures of every training epoch (training loss and accuracy; validation ones with validationFraction > 0). */
    public List<EpochStats> trainingHistory() {
        return net.history();
    }

    /** The training summary: the per-epoch history as a DataFrame ({@link SparkTrainSummary#history()}); saved with the model. */
    public SparkTrainSummary summary() {
        return net.summary();
    }

    /** Always true: the history is part of the model (also after a load). */
    public boolean hasSummary() {
        return true;
    }

    @Override
    public Vector predictRaw(Vector features) {
        return raw(net.forward(features), 0);
    }

    /** rawPrediction from the network outputs at {@code out[off ..]}: the logits, or [-z, z] for one logit. */
    private Vector raw(double[] out, int off) {
        return singleLogit() ? Vectors.dense(-out[off], out[off])
                : Vectors.dense(java.util.Arrays.copyOfRange(out, off, off + net.outputs()));
    }

    /**
     * Scores chunks of rows through the batch kernel on the executors ({@link BatchTransform}),
     * then derives each column as Spark's transform does (probability from rawPrediction,
     * prediction from rawPrediction, else from probability), so the values equal
     * {@link #transformRowByRow}'s.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        String[] cols = {getRawPredictionCol(), getProbabilityCol(), getPredictionCol()};
        StructType schema = BatchTransform.outputSchema(dataset.schema(), transformSchema(dataset.schema()), cols);
        if (schema.length() == dataset.schema().length()) return super.transform(dataset); // no output column: Spark's warning
        return BatchTransform.apply(dataset, schema, getFeaturesCol(), net, new Columns(this, cols));
    }

    /** Spark's own transform: per-row UDFs, one kernel call per row (kept to compare with and to benchmark). */
    public Dataset<Row> transformRowByRow(Dataset<?> dataset) {
        return super.transform(dataset);
    }

    /** The classifier's appended columns, each skipped when its name is empty (as in Spark's transform). */
    private static final class Columns implements BatchTransform.Columns {
        private static final long serialVersionUID = 1L;
        private final SparkTrainClassificationModel model;
        private final boolean raw;
        private final boolean prob;
        private final boolean pred;
        /**
         * Whether thresholds are set, read once: Spark's raw2prediction and probability2prediction
         * ask {@code isDefined(thresholds)} per row, a scan of the model's params that cost a third
         * of the batched transform's time; without thresholds both are the vector's argmax.
         */
        private final boolean thresholds;

        Columns(SparkTrainClassificationModel model, String[] cols) {
            this.model = model;
            raw = !cols[0].isEmpty();
            prob = !cols[1].isEmpty();
            pred = !cols[2].isEmpty();
            thresholds = model.isDefined(model.thresholds());
        }

        @Override
        public int count() {
            return (raw ? 1 : 0) + (prob ? 1 : 0) + (pred ? 1 : 0);
        }

        @Override
        public void fill(double[] out, int off, Object[] row, int at) {
            Vector r = model.raw(out, off);
            if (raw) row[at++] = r;
            Vector p = prob ? model.raw2probability(r) : null;
            if (prob) row[at++] = p;
            if (!pred) return;
            if (!thresholds) row[at] = (double) (!raw && prob ? p : r).argmax();
            else row[at] = !raw && prob ? model.probability2prediction(p) : model.raw2prediction(r);
        }
    }

    @Override
    public Vector raw2probabilityInPlace(Vector rawPrediction) {
        if (!(rawPrediction instanceof DenseVector dv)) {
            throw new IllegalArgumentException("rawPrediction must be a DenseVector, got " + rawPrediction.getClass().getSimpleName());
        }
        double[] v = dv.values();
        if (singleLogit()) {
            double z = v[1];
            double p1 = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
            v[0] = 1 - p1;
            v[1] = p1;
            return dv;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double x : v) max = Math.max(max, x);
        double s = 0;
        for (int j = 0; j < v.length; j++) {
            v[j] = Math.exp(v[j] - max);
            s += v[j];
        }
        for (int j = 0; j < v.length; j++) v[j] /= s;
        return dv;
    }

    @Override
    public SparkTrainClassificationModel copy(ParamMap extra) {
        SparkTrainClassificationModel m = copyValues(new SparkTrainClassificationModel(uid(), net), extra);
        return m.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Persistence.Writer(this, net);
    }

    public static MLReader<SparkTrainClassificationModel> read() {
        return new Persistence.Reader<>(SparkTrainClassificationModel.class, (uid, path, sc) -> new SparkTrainClassificationModel(
                uid, TrainedNet.load(new Path(path, Persistence.MODEL_DIR).toString(), sc.hadoopConfiguration())));
    }

    public static SparkTrainClassificationModel load(String path) {
        return read().load(path);
    }

    /**
     * Spark's own (ProbabilisticClassificationModel's); declared here only because Java sees two
     * inherited versions whose generic return types differ (Scala's Tuple3 is covariant, Java's
     * view of it is not).
     */
    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public scala.Tuple3 findSummaryModel() {
        return super.findSummaryModel();
    }

    @Override
    public String toString() {
        return "SparkTrainClassificationModel: uid=" + uid() + ", layers=" + net.layers() + ", numClasses=" + numClasses()
                + ", numFeatures=" + numFeatures();
    }
}
