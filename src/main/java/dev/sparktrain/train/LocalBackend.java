package dev.sparktrain.train;

import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Sequential;

/** Gradients from in-memory blocks on the calling thread: the reference for the Spark backend. */
public final class LocalBackend implements StepBackend {
    private final PackedBlock[] train;
    private final PackedBlock[] validation;
    private final BlockWorker worker;

    public LocalBackend(Sequential model, Loss loss, PackedBlock[] train, PackedBlock[] validation) {
        this.train = train;
        this.validation = validation;
        this.worker = new BlockWorker(model, loss);
    }

    @Override
    public long trainRows() {
        long n = 0;
        for (PackedBlock b : train) n += b.rows();
        return n;
    }

    @Override
    public StepSums batchSums(double[] params, EpochOrder order, int epoch, int step, long from, long to) {
        double[] sums = new double[worker.sumsLength()];
        for (PackedBlock b : train) worker.accumulate(b, order, epoch, from, to, params, sums);
        return StepSums.of(sums, true);
    }

    @Override
    public StepSums validationSums(double[] params) {
        if (validation == null || validation.length == 0) return null;
        double[] sums = new double[worker.sumsLength()];
        for (PackedBlock b : validation) worker.evaluate(b, params, sums);
        return StepSums.of(sums, false);
    }
}
