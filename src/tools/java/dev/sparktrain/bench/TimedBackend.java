package dev.sparktrain.bench;

import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.train.StepBackend;
import dev.sparktrain.train.StepSums;

/**
 * Wraps the real backend and times each of its calls, so a training step splits into "the Spark
 * job" (broadcast, tasks, results, driver-side sum) and "the driver's update" (mean, clipping,
 * optimizer), the rest of the step, measured by the Trainer's own epoch clock.
 */
final class TimedBackend implements StepBackend {
    private final StepBackend inner;
    long steps;
    long nanos;

    TimedBackend(StepBackend inner) {
        this.inner = inner;
    }

    void reset() {
        steps = 0;
        nanos = 0;
    }

    @Override
    public long trainRows() {
        return inner.trainRows();
    }

    @Override
    public StepSums batchSums(double[] params, EpochOrder order, int epoch, int step, long from, long to) {
        long t0 = System.nanoTime();
        StepSums s = inner.batchSums(params, order, epoch, step, from, to);
        nanos += System.nanoTime() - t0;
        steps++;
        return s;
    }

    @Override
    public StepSums validationSums(double[] params) {
        return inner.validationSums(params);
    }

    @Override
    public void close() {
        inner.close();
    }
}
