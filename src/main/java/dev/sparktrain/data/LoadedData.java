package dev.sparktrain.data;

import org.apache.spark.api.java.JavaRDD;

/** The cached training (and optional validation) blocks, with what the job prints about them. */
public record LoadedData(JavaRDD<PackedBlock> train, JavaRDD<PackedBlock> validation, long trainRows,
                         long validationRows, Standardizer standardizer, long cachedBytes) {
}
