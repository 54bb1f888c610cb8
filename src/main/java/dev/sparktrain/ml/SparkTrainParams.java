package dev.sparktrain.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The training params of sparktrain's estimators and models, with getters. Spark finds params by
 * their public no-argument accessors, so each is a method here; the Param objects themselves live
 * in each owner's {@link TrainParams}.
 *
 * <p>Options params take PyTorch's keyword arguments as {@code key=value} pairs ({@code lr=0.01,
 * betas=(0.9, 0.99)}) or a JSON object; the optimizer, loss and scheduler check them (names,
 * types, ranges) when fitting, before any data is read.
 */
public interface SparkTrainParams extends Params {
    /** The owner's Param objects (not a param itself). */
    TrainParams trainParams();

    /** Layers, e.g. {@code Linear(*, 128), ReLU(), Linear(128, *)} (any layer of the job file's model syntax); default {@code linear(*,*)}. */
    default Param<String> layers() {
        return trainParams().layers;
    }

    /** CrossEntropyLoss (default) or BCEWithLogitsLoss (one output, labels 0/1) for a classifier; MSELoss for a regressor. */
    default Param<String> loss() {
        return trainParams().loss;
    }

    default Param<String> lossOptions() {
        return trainParams().lossOptions;
    }

    /** SGD, Adam (default), AdamW, RMSprop, Adagrad, Adadelta, Adamax, NAdam, RAdam. */
    default Param<String> optimizer() {
        return trainParams().optimizer;
    }

    default Param<String> optimizerOptions() {
        return trainParams().optimizerOptions;
    }

    /** Learning rate; when set, overrides {@code lr} in {@link #optimizerOptions()}. No default. */
    default DoubleParam lr() {
        return trainParams().lr;
    }

    default Param<String> biasOptions() {
        return trainParams().biasOptions;
    }

    /** A PyTorch LR scheduler by name, or {@code none} (default). */
    default Param<String> scheduler() {
        return trainParams().scheduler;
    }

    default Param<String> schedulerOptions() {
        return trainParams().schedulerOptions;
    }

    default Param<String> schedulerInterval() {
        return trainParams().schedulerInterval;
    }

    default DoubleParam maxNorm() {
        return trainParams().maxNorm;
    }

    default DoubleParam normType() {
        return trainParams().normType;
    }

    default DoubleParam clipValue() {
        return trainParams().clipValue;
    }

    default IntParam batchSize() {
        return trainParams().batchSize;
    }

    default IntParam epochs() {
        return trainParams().epochs;
    }

    default LongParam seed() {
        return trainParams().seed;
    }

    default BooleanParam shuffle() {
        return trainParams().shuffle;
    }

    default DoubleParam validationFraction() {
        return trainParams().validationFraction;
    }

    /** Column of per-row sample weights, as MLlib's weightCol; empty (default): none. */
    default Param<String> weightCol() {
        return trainParams().weightCol;
    }

    default BooleanParam standardize() {
        return trainParams().standardize;
    }

    default Param<String> storage() {
        return trainParams().storage;
    }

    /** How the cached rows store their features: float64 (default) or float32 (the job file's data.precision). */
    default Param<String> precision() {
        return trainParams().precision;
    }

    /** The precision the model computes in: float64 (default) or float32 (the job file's train.precision). */
    default Param<String> trainPrecision() {
        return trainParams().trainPrecision;
    }

    /** Where the optimizer step runs: auto (default), on (sharded on the executors) or off (the driver). */
    default Param<String> shardedOptimizer() {
        return trainParams().shardedOptimizer;
    }

    default IntParam numPartitions() {
        return trainParams().numPartitions;
    }

    default BooleanParam verbose() {
        return trainParams().verbose;
    }

    // ------------------------------------------------------------------ validation, early stopping, checkpoints

    /** A boolean column whose true rows are the validation set (MLlib's GBT param); empty (default): none. */
    default Param<String> validationIndicatorCol() {
        return trainParams().validationIndicatorCol;
    }

    /** none (default), val_loss or val_accuracy: the job file's early_stopping.monitor. */
    default Param<String> earlyStoppingMonitor() {
        return trainParams().earlyStoppingMonitor;
    }

    default IntParam earlyStoppingPatience() {
        return trainParams().earlyStoppingPatience;
    }

    default DoubleParam earlyStoppingMinDelta() {
        return trainParams().earlyStoppingMinDelta;
    }

    default Param<String> earlyStoppingMode() {
        return trainParams().earlyStoppingMode;
    }

    default BooleanParam earlyStoppingRestoreBest() {
        return trainParams().earlyStoppingRestoreBest;
    }

    /** Where checkpoints go; empty (default): none. The job file's checkpoint.dir. */
    default Param<String> checkpointDir() {
        return trainParams().checkpointDir;
    }

    default IntParam checkpointEvery() {
        return trainParams().checkpointEvery;
    }

    default IntParam checkpointKeep() {
        return trainParams().checkpointKeep;
    }

    /** A checkpoint, checkpoint directory or run directory to continue from; empty (default): a fresh fit. */
    default Param<String> resumeFrom() {
        return trainParams().resumeFrom;
    }

    default String getValidationIndicatorCol() {
        return getOrDefault(validationIndicatorCol());
    }

    default String getEarlyStoppingMonitor() {
        return getOrDefault(earlyStoppingMonitor());
    }

    default int getEarlyStoppingPatience() {
        return (Integer) getOrDefault(earlyStoppingPatience());
    }

    default double getEarlyStoppingMinDelta() {
        return (Double) getOrDefault(earlyStoppingMinDelta());
    }

    default String getEarlyStoppingMode() {
        return getOrDefault(earlyStoppingMode());
    }

    default boolean getEarlyStoppingRestoreBest() {
        return (Boolean) getOrDefault(earlyStoppingRestoreBest());
    }

    default String getCheckpointDir() {
        return getOrDefault(checkpointDir());
    }

    default int getCheckpointEvery() {
        return (Integer) getOrDefault(checkpointEvery());
    }

    default int getCheckpointKeep() {
        return (Integer) getOrDefault(checkpointKeep());
    }

    default String getResumeFrom() {
        return getOrDefault(resumeFrom());
    }

    // ------------------------------------------------------------------ getters

    default String getLayers() {
        return getOrDefault(layers());
    }

    default String getLoss() {
        return getOrDefault(loss());
    }

    default String getLossOptions() {
        return getOrDefault(lossOptions());
    }

    default String getOptimizer() {
        return getOrDefault(optimizer());
    }

    default String getOptimizerOptions() {
        return getOrDefault(optimizerOptions());
    }

    /** The lr param, or NaN when it is not set (then optimizerOptions or the optimizer's default decide). */
    default double getLr() {
        return isDefined(lr()) ? (Double) getOrDefault(lr()) : Double.NaN;
    }

    default String getBiasOptions() {
        return getOrDefault(biasOptions());
    }

    default String getScheduler() {
        return getOrDefault(scheduler());
    }

    default String getSchedulerOptions() {
        return getOrDefault(schedulerOptions());
    }

    default String getSchedulerInterval() {
        return getOrDefault(schedulerInterval());
    }

    default double getMaxNorm() {
        return (Double) getOrDefault(maxNorm());
    }

    default double getNormType() {
        return (Double) getOrDefault(normType());
    }

    default double getClipValue() {
        return (Double) getOrDefault(clipValue());
    }

    default int getBatchSize() {
        return (Integer) getOrDefault(batchSize());
    }

    default int getEpochs() {
        return (Integer) getOrDefault(epochs());
    }

    default long getSeed() {
        return (Long) getOrDefault(seed());
    }

    default boolean getShuffle() {
        return (Boolean) getOrDefault(shuffle());
    }

    default double getValidationFraction() {
        return (Double) getOrDefault(validationFraction());
    }

    default String getWeightCol() {
        return getOrDefault(weightCol());
    }

    default boolean getStandardize() {
        return (Boolean) getOrDefault(standardize());
    }

    default String getStorage() {
        return getOrDefault(storage());
    }

    default String getPrecision() {
        return getOrDefault(precision());
    }

    default String getTrainPrecision() {
        return getOrDefault(trainPrecision());
    }

    default String getShardedOptimizer() {
        return getOrDefault(shardedOptimizer());
    }

    default int getNumPartitions() {
        return (Integer) getOrDefault(numPartitions());
    }

    default boolean getVerbose() {
        return (Boolean) getOrDefault(verbose());
    }
}
