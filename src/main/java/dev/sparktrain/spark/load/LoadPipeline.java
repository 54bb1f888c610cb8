package dev.sparktrain.spark.load;

import dev.sparktrain.data.DataSettings;
import dev.sparktrain.data.Labels;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.RowGroups;
import dev.sparktrain.data.Standardizer;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.spark.Spark;
import dev.sparktrain.spark.load.source.BlockLayout;
import dev.sparktrain.spark.load.source.DataSource;
import dev.sparktrain.spark.load.source.StagedPartition;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * Stage → number → pack for a training source and an optional validation source, then the
 * optional standardization. The staged partitions are kept ({@code MEMORY_AND_DISK}) only while
 * numbering and packing read them twice.
 */
final class LoadPipeline {
    private LoadPipeline() {
    }

    static LoadedData run(JavaSparkContext jsc, DataSource trainSrc, DataSource valSrc, DataSettings s) {
        Labels labels = labels(trainSrc, s);
        int parts = s.partitions() > 0 ? s.partitions() : jsc.defaultParallelism();
        BlockLayout layout = new BlockLayout(s.features(), s.storage(), s.precision());
        JavaRDD<StagedPartition> train = stage(trainSrc, labels, layout);
        JavaRDD<StagedPartition> val = valSrc == null ? null : stage(valSrc, labels, layout);
        try {
            double frac = valSrc == null ? s.validationFraction() : 0;
            RowPlan plan = RowNumbering.number(train, trainSrc.name(), s.seed(), frac);
            long nTrain = plan.trainRows();
            long nVal = plan.validationRows();
            RowGroups groups = s.trainGroups(nTrain);
            JavaRDD<PackedBlock> trainBlocks = Packer.pack(train, plan, false, parts, groups, layout);
            JavaRDD<PackedBlock> valBlocks = null;
            if (frac > 0) {
                valBlocks = Packer.pack(train, plan, true, parts, RowGroups.forEvaluation(nVal), layout);
            } else if (val != null) {
                RowPlan vp = RowNumbering.number(val, valSrc.name(), s.seed(), 0);
                nVal = vp.trainRows();
                valBlocks = Packer.pack(val, vp, false, parts, RowGroups.forEvaluation(nVal), layout);
            }
            if (nTrain == 0) throw new SparkTrainException(trainSrc.name() + ": no training rows");
            Standardizer st = null;
            if (s.standardize()) {
                st = Standardization.fit(trainBlocks, groups, s.features(), nTrain, s.storage() == PackedBlock.Storage.SPARSE);
                trainBlocks = Standardization.scaled(trainBlocks, st, "training blocks");
                valBlocks = valBlocks == null ? null : Standardization.scaled(valBlocks, st, "validation blocks");
            }
            long bytes = Blocks.cachedBytes(jsc, trainBlocks) + (valBlocks == null ? 0 : Blocks.cachedBytes(jsc, valBlocks));
            long nz = s.storage() == PackedBlock.Storage.DENSE ? -1
                    : Blocks.nonZeros(trainBlocks) + (valBlocks == null ? 0 : Blocks.nonZeros(valBlocks));
            return new LoadedData(trainBlocks, valBlocks, nTrain, nVal, st, bytes, labels.names() == null ? null : labels,
                    layout.describe(), nz);
        } finally {
            train.unpersist(false);
            if (val != null) val.unpersist(false);
        }
    }

    /** Class indices as they are, a name list, or the training source's sorted distinct labels; the loss's ignore_index accepted. */
    private static Labels labels(DataSource trainSrc, DataSettings s) {
        return switch (s.labelMode()) {
            case INDEX -> Labels.indices(s.classes()).ignoring(s.ignoredLabel());
            case NAMES -> Labels.named(s.labelNames()).ignoring(s.ignoredLabel());
            case AUTO -> Labels.sorted(Spark.call("finding the labels of " + trainSrc.name(), trainSrc::distinctLabels),
                    s.classes(), trainSrc.name(), s.ignoredLabel());
        };
    }

    private static JavaRDD<StagedPartition> stage(DataSource src, Labels labels, BlockLayout layout) {
        JavaRDD<StagedPartition> staged = src.stage(labels, layout);
        staged.persist(StorageLevel.MEMORY_AND_DISK());
        return staged;
    }
}
