package dev.sparktrain.train;

import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.RowGroups;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Sequential;

import java.util.Arrays;

/**
 * Gradients from in-memory blocks on the calling thread: the reference for the Spark backend.
 * The blocks are joined into one, and sums run in the same canonical order as on a cluster
 * ({@link GroupedSums}), so the two give the same bits.
 */
public final class LocalBackend implements StepBackend {
    private final PackedBlock train;
    private final PackedBlock validation;
    private final RowGroups trainGroups;
    private final RowGroups validationGroups;
    private final BlockWorker worker;
    private final int paramCount;
    private final Loss.Reduction reduction;

    /** Blocks of consecutive rows, in order; {@code batchSize} as the run's (0 = full batch). */
    public LocalBackend(Sequential model, Loss loss, PackedBlock[] train, PackedBlock[] validation, int batchSize) {
        this.train = joined(train);
        this.validation = validation == null || validation.length == 0 ? null : joined(validation);
        this.trainGroups = RowGroups.forTraining(this.train.rows(), batchSize);
        this.validationGroups = this.validation == null ? null : RowGroups.forEvaluation(this.validation.rows());
        this.worker = new BlockWorker(model, loss);
        this.paramCount = model.paramCount();
        this.reduction = loss.reduction();
    }

    private static PackedBlock joined(PackedBlock[] blocks) {
        if (blocks.length == 1 && blocks[0].firstRow() == 0) return blocks[0];
        PackedBlock f = blocks[0];
        return PackedBlock.concat(Arrays.asList(blocks), 0, f.features(), f.targetWidth(), f.storage(), f.precision());
    }

    @Override
    public long trainRows() {
        return train.rows();
    }

    @Override
    public StepSums batchSums(double[] params, EpochOrder order, int epoch, int step, long from, long to) {
        double[] root = GroupedSums.step(train, train.slice(order, epoch, from, to), trainGroups, params,
                BlockWorker.stepKey(order, from), 1, () -> worker).root();
        return root == null ? StepSums.empty(paramCount, true) : StepSums.of(root, true, reduction);
    }

    @Override
    public StepSums validationSums(double[] params) {
        if (validation == null || validation.rows() == 0) return null;
        return StepSums.of(GroupedSums.stats(validation, validationGroups, params, worker).root(), false, reduction);
    }
}
