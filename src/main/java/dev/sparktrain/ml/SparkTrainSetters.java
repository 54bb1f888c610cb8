package dev.sparktrain.ml;

/**
 * Setters of the training params for the estimators ({@code T} is the estimator's own type, so
 * calls chain). Each value is checked when set; combinations (optimizer and its options, layers
 * and the data) when fitting.
 */
public interface SparkTrainSetters<T extends SparkTrainSetters<T>> extends SparkTrainParams {

    @SuppressWarnings("unchecked")
    private T self() {
        return (T) this;
    }

    default T setLayers(String v) {
        set(layers(), v);
        return self();
    }

    default T setLoss(String v) {
        set(loss(), v);
        return self();
    }

    default T setLossOptions(String v) {
        set(lossOptions(), v);
        return self();
    }

    default T setOptimizer(String v) {
        set(optimizer(), v);
        return self();
    }

    default T setOptimizerOptions(String v) {
        set(optimizerOptions(), v);
        return self();
    }

    default T setLr(double v) {
        set(lr(), v);
        return self();
    }

    default T setBiasOptions(String v) {
        set(biasOptions(), v);
        return self();
    }

    default T setScheduler(String v) {
        set(scheduler(), v);
        return self();
    }

    default T setSchedulerOptions(String v) {
        set(schedulerOptions(), v);
        return self();
    }

    default T setSchedulerInterval(String v) {
        set(schedulerInterval(), v);
        return self();
    }

    default T setMaxNorm(double v) {
        set(maxNorm(), v);
        return self();
    }

    default T setNormType(double v) {
        set(normType(), v);
        return self();
    }

    default T setClipValue(double v) {
        set(clipValue(), v);
        return self();
    }

    default T setBatchSize(int v) {
        set(batchSize(), v);
        return self();
    }

    default T setEpochs(int v) {
        set(epochs(), v);
        return self();
    }

    default T setSeed(long v) {
        set(seed(), v);
        return self();
    }

    default T setShuffle(boolean v) {
        set(shuffle(), v);
        return self();
    }

    default T setValidationFraction(double v) {
        set(validationFraction(), v);
        return self();
    }

    default T setWeightCol(String v) {
        set(weightCol(), v);
        return self();
    }

    default T setStandardize(boolean v) {
        set(standardize(), v);
        return self();
    }

    default T setStorage(String v) {
        set(storage(), v);
        return self();
    }

    default T setPrecision(String v) {
        set(precision(), v);
        return self();
    }

    default T setTrainPrecision(String v) {
        set(trainPrecision(), v);
        return self();
    }

    default T setShardedOptimizer(String v) {
        set(shardedOptimizer(), v);
        return self();
    }

    default T setNumPartitions(int v) {
        set(numPartitions(), v);
        return self();
    }

    default T setVerbose(boolean v) {
        set(verbose(), v);
        return self();
    }

    // ------------------------------------------------------------------ validation, early stopping, checkpoints

    default T setValidationIndicatorCol(String v) {
        set(validationIndicatorCol(), v);
        return self();
    }

    default T setEarlyStoppingMonitor(String v) {
        set(earlyStoppingMonitor(), v);
        return self();
    }

    default T setEarlyStoppingPatience(int v) {
        set(earlyStoppingPatience(), v);
        return self();
    }

    default T setEarlyStoppingMinDelta(double v) {
        set(earlyStoppingMinDelta(), v);
        return self();
    }

    default T setEarlyStoppingMode(String v) {
        set(earlyStoppingMode(), v);
        return self();
    }

    default T setEarlyStoppingRestoreBest(boolean v) {
        set(earlyStoppingRestoreBest(), v);
        return self();
    }

    default T setCheckpointDir(String v) {
        set(checkpointDir(), v);
        return self();
    }

    default T setCheckpointEvery(int v) {
        set(checkpointEvery(), v);
        return self();
    }

    default T setCheckpointKeep(int v) {
        set(checkpointKeep(), v);
        return self();
    }

    default T setResumeFrom(String v) {
        set(resumeFrom(), v);
        return self();
    }
}
