package dev.sparktrain.ml;

import dev.sparktrain.train.EpochStats;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.RegressionModel;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * A trained sparktrain regressor: {@code transform} adds {@code predictionCol}, the network's
 * output for each row's features (dense or sparse, standardized as in training), computed on the
 * executors a chunk of rows per kernel call.
 */
public final class SparkTrainRegressionModel extends RegressionModel<Vector, SparkTrainRegressionModel>
        implements SparkTrainParams, MLWritable {
    private static final long serialVersionUID = 1L;

    private String uid;
    private TrainParams trainParams;
    private TrainedNet net;

    SparkTrainRegressionModel(String uid, TrainedNet net) {
        this(Uids.stash(uid), net);
    }

    private SparkTrainRegressionModel(Uids.Pending pending, TrainedNet net) {
        super();
        uid();
        this.net = net;
        trainParams = new TrainParams(this, true);
    }

    @Override
    public String uid() {
        if (uid == null) uid = Uids.take(SparkTrainRegressor.UID_PREFIX);
        return uid;
    }

    @Override
    public TrainParams trainParams() {
        return trainParams;
    }

    @Override
    public int numFeatures() {
        return net.numFeatures();
    }

    /** The trained network's layers. */
    public String layersSpec() {
        return net.layers();
    }

    /** The flat parameters in PyTorch's {@code model.parameters()} order (a copy). */
    public double[] weights() {
        return net.params();
    }

    /** Figures of every training epoch (validation loss = MSE with validationFraction > 0). */
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
    public double predict(Vector features) {
        return net.forward(features)[0];
    }

    /** Scores chunks of rows through the batch kernel on the executors ({@link BatchTransform}). */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        String[] cols = {getPredictionCol()};
        StructType schema = BatchTransform.outputSchema(dataset.schema(), transformSchema(dataset.schema()), cols);
        if (schema.length() == dataset.schema().length()) return super.transform(dataset); // no output column: Spark's warning
        return BatchTransform.apply(dataset, schema, getFeaturesCol(), net, new Prediction());
    }

    /** Spark's own transform: a per-row UDF, one kernel call per row (kept to compare with and to benchmark). */
    public Dataset<Row> transformRowByRow(Dataset<?> dataset) {
        return super.transform(dataset);
    }

    /** The one appended column: the network's output. */
    private static final class Prediction implements BatchTransform.Columns {
        private static final long serialVersionUID = 1L;

        @Override
        public int count() {
            return 1;
        }

        @Override
        public void fill(double[] out, int off, Object[] row, int at) {
            row[at] = out[off];
        }
    }

    @Override
    public SparkTrainRegressionModel copy(ParamMap extra) {
        SparkTrainRegressionModel m = copyValues(new SparkTrainRegressionModel(uid(), net), extra);
        return m.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Persistence.Writer(this, net);
    }

    public static MLReader<SparkTrainRegressionModel> read() {
        return new Persistence.Reader<>(SparkTrainRegressionModel.class, (uid, path, sc) -> new SparkTrainRegressionModel(
                uid, TrainedNet.load(new Path(path, Persistence.MODEL_DIR).toString(), sc.hadoopConfiguration())));
    }

    public static SparkTrainRegressionModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "SparkTrainRegressionModel: uid=" + uid() + ", layers=" + net.layers() + ", numFeatures=" + numFeatures();
    }
}
