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

import java.util.List;

/**
 * A trained sparktrain classifier. {@code transform} is Spark's own (one UDF call per row on the
 * executors) over this network: {@code rawPrediction} = the logits (for a single-logit
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

    /** The trained network's layers, e.g. {@code linear(64,128), relu, linear(128,10)}. */
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

    @Override
    public Vector predictRaw(Vector features) {
        double[] out = net.forward(features);
        return singleLogit() ? Vectors.dense(-out[0], out[0]) : Vectors.dense(out);
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
