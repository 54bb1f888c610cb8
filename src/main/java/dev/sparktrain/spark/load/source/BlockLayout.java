package dev.sparktrain.spark.load.source;

import dev.sparktrain.data.PackedBlock;

import java.io.Serializable;

/** Feature count, storage and precision that every block of one load shares. */
public record BlockLayout(int features, PackedBlock.Storage storage, PackedBlock.Precision precision)
        implements Serializable {

    public PackedBlock.Builder builder(int expectedRows) {
        return new PackedBlock.Builder(features, 1, storage, precision, expectedRows);
    }

    /** e.g. "dense float64", "sparse float32". */
    public String describe() {
        return storage.name().toLowerCase() + " " + precision.name().toLowerCase();
    }
}
