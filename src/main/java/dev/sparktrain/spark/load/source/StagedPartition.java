package dev.sparktrain.spark.load.source;

import dev.sparktrain.data.PackedBlock;

import java.io.Serializable;
import java.util.List;

/**
 * One input partition's rows, packed in the order read, and the runs they came from: the
 * block's first {@code runs.get(0).rows()} rows are the first run, and so on.
 */
public record StagedPartition(PackedBlock block, List<Run> runs) implements Serializable {

    /**
     * Consecutive rows of one file split: {@code file} and {@code start} (its byte offset) place
     * them in data-set order. Sources without files use file "" and the input partition as start.
     */
    public record Run(String file, long start, int rows) implements Serializable {
    }
}
