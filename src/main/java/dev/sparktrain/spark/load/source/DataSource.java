package dev.sparktrain.spark.load.source;

import dev.sparktrain.data.Labels;
import org.apache.spark.api.java.JavaRDD;

import java.util.List;

/**
 * Where a data set's rows come from. A source only stages: each input partition parses and
 * validates its rows on the executor and packs them into one block, remembering the runs (file
 * splits) they came from; numbering, the validation split and the final partitioning are the
 * loader's, the same for every source. A {@code data.format} name maps to a source in
 * {@link Sources}.
 */
public interface DataSource {
    /** How messages name the source: a path, or e.g. "the training Dataset". */
    String name();

    /** The label values as text, for {@code data.labels = auto} (one pass over the source). */
    List<String> distinctLabels();

    /**
     * One {@link StagedPartition} per input partition. Errors name the source and the row; they
     * surface when the result is first computed.
     */
    JavaRDD<StagedPartition> stage(Labels labels, BlockLayout layout);
}
