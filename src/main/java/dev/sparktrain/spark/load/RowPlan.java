package dev.sparktrain.spark.load;

import java.io.Serializable;

/**
 * Where each staged run's rows go, indexed [input partition][run]: the number step's result,
 * shipped to the pack step's tasks.
 *
 * @param firstTrain      the training row number of the run's first training row
 * @param firstValidation the validation row number of the run's first validation row
 */
record RowPlan(Split split, long[][] firstTrain, long[][] firstValidation, long trainRows, long validationRows)
        implements Serializable {

    /**
     * Which rows are validation rows: a seeded hash of the global row number (data-set order),
     * so the split does not depend on partitioning.
     *
     * @param firstRow the global row number of each run's first row
     */
    record Split(long seed, double fraction, long[][] firstRow) implements Serializable {
        boolean isValidation(int partition, int run, int i) {
            return fraction > 0 && Blocks.unitHash(seed, firstRow[partition][run] + i) < fraction;
        }
    }
}
