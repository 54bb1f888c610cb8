package dev.sparktrain.data;

/**
 * Where the data is and how to read it.
 *
 * @param labelColumn        0-based label column, -1 for the last
 * @param classes            class count (labels 0..k-1), 0 for regression
 * @param validationFraction share of rows held out (by a seeded hash of the row number), 0 for none
 * @param partitions         partitions of the cached training set (0: Spark's default parallelism)
 * @param standardize        scale features to zero mean and unit variance (training-set statistics)
 */
public record DataSettings(String path, boolean header, int features, int labelColumn, int classes,
                           double validationFraction, int partitions, long seed, boolean standardize) {
}
