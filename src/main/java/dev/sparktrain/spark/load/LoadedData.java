package dev.sparktrain.spark.load;

import dev.sparktrain.data.Labels;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.Standardizer;
import org.apache.spark.api.java.JavaRDD;

/**
 * The cached training (and optional validation) blocks, with what the job prints and saves about
 * them.
 *
 * @param cachedBytes what Spark's block manager holds for the cached blocks (train + validation)
 * @param labels      the class-name mapping when labels were names ({@code data.labels}), else null
 * @param layout      e.g. "dense float64", "sparse float32"
 * @param nonZeros    stored non-zero features (train + validation) for sparse storage, -1 for dense
 */
public record LoadedData(JavaRDD<PackedBlock> train, JavaRDD<PackedBlock> validation, long trainRows,
                         long validationRows, Standardizer standardizer, long cachedBytes, Labels labels,
                         String layout, long nonZeros) {

    public LoadedData(JavaRDD<PackedBlock> train, JavaRDD<PackedBlock> validation, long trainRows,
                      long validationRows, Standardizer standardizer, long cachedBytes) {
        this(train, validation, trainRows, validationRows, standardizer, cachedBytes, null, "dense float64", -1);
    }
}
