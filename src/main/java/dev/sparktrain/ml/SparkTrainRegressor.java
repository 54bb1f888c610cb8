package dev.sparktrain.ml;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.Regressor;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;

/**
 * A spark.ml regressor that trains a sparktrain network with MSELoss on a {@code Vector}
 * features column (dense or sparse) and a real label; its model's {@code predictionCol} is the
 * network's single output, ready for {@code RegressionEvaluator}. Same training params as
 * {@link SparkTrainClassifier}.
 */
public final class SparkTrainRegressor
        extends Regressor<Vector, SparkTrainRegressor, SparkTrainRegressionModel>
        implements SparkTrainSetters<SparkTrainRegressor>, MLWritable {
    private static final long serialVersionUID = 1L;
    static final String UID_PREFIX = "sparkTrainReg";

    private String uid;
    private TrainParams trainParams;

    public SparkTrainRegressor() {
        this(Uids.stash(org.apache.spark.ml.util.Identifiable.randomUID(UID_PREFIX)));
    }

    public SparkTrainRegressor(String uid) {
        this(Uids.stash(uid));
    }

    private SparkTrainRegressor(Uids.Pending pending) {
        super();
        uid();
        trainParams = new TrainParams(this, true);
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
    public SparkTrainRegressionModel train(Dataset<?> dataset) {
        TrainedNet net = Training.fit(dataset, this, getFeaturesCol(), getLabelCol(), false, getClass().getSimpleName());
        return new SparkTrainRegressionModel(uid(), net);
    }

    @Override
    public SparkTrainRegressor copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    @Override
    public MLWriter write() {
        return new Persistence.Writer(this, null);
    }

    public static MLReader<SparkTrainRegressor> read() {
        return new Persistence.Reader<>(SparkTrainRegressor.class, (uid, path, sc) -> new SparkTrainRegressor(uid));
    }

    public static SparkTrainRegressor load(String path) {
        return read().load(path);
    }
}
