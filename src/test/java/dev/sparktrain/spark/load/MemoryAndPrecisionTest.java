package dev.sparktrain.spark.load;

import dev.sparktrain.data.DataSettings;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.Synthetic;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.train.SparkTestContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the cache costs (Spark's own measure) against N×d×8, and float32 storage. */
class MemoryAndPrecisionTest {
    static final int N = 20_000;
    static final int D = 50;
    static final Synthetic SPEC = new Synthetic(N, D, 2, 1.0, 5, 0.1);

    private static LoadedData load(PackedBlock.Precision p, PackedBlock.Storage st) {
        return load(SPEC, p, st);
    }

    private static LoadedData load(Synthetic spec, PackedBlock.Precision p, PackedBlock.Storage st) {
        Dataset<Row> df = SyntheticWriter.dataset(SparkTestContext.get(), spec, 4, true);
        return DataLoader.load(df, null, DataSettings.builder(null, D).classes(2).partitions(3).precision(p)
                .storage(st == PackedBlock.Storage.SPARSE ? DataSettings.StorageChoice.SPARSE : DataSettings.StorageChoice.DENSE).build());
    }

    @Test
    void denseFloat64CacheStaysWithinTenPercentOfNTimesDTimes8() {
        long ideal = 8L * N * D;
        LoadedData d64 = load(PackedBlock.Precision.FLOAT64, PackedBlock.Storage.DENSE);
        LoadedData d32 = load(PackedBlock.Precision.FLOAT32, PackedBlock.Storage.DENSE);
        try {
            System.out.printf(Locale.ROOT, "memory: N=%d d=%d N*d*8=%d; dense float64 cached %d (%.3fx), dense float32 cached %d (%.3fx)%n",
                    N, D, ideal, d64.cachedBytes(), d64.cachedBytes() / (double) ideal, d32.cachedBytes(),
                    d32.cachedBytes() / (double) ideal);
            assertTrue(d64.cachedBytes() <= 1.1 * ideal, "float64 " + d64.cachedBytes() + " vs " + ideal);
            assertTrue(d64.cachedBytes() >= ideal, "the measure counts the features at least");
            // float32 features take half; float64 targets stay (N×8).
            assertTrue(d32.cachedBytes() <= 1.1 * (ideal / 2 + 8L * N), "float32 " + d32.cachedBytes());
            assertEquals("dense float32", d32.layout());
        } finally {
            DataTestSupport.release(d64);
            DataTestSupport.release(d32);
        }
    }

    @Test
    void float32StorageTrainsToWithinFloat32RoundingOfFloat64() {
        Synthetic small = new Synthetic(3000, D, 2, 1.0, 5, 0.1);
        LoadedData d64 = load(small, PackedBlock.Precision.FLOAT64, PackedBlock.Storage.DENSE);
        LoadedData d32 = load(small, PackedBlock.Precision.FLOAT32, PackedBlock.Storage.DENSE);
        LoadedData s32 = load(small, PackedBlock.Precision.FLOAT32, PackedBlock.Storage.SPARSE);
        try {
            Sequential m = Sequential.parse("linear(" + D + ",2)", "t");
            double[] p64 = m.initParams(3);
            double[] p32 = m.initParams(3);
            double[] ps32 = m.initParams(3);
            DataTestSupport.train(d64, m, p64, "CrossEntropyLoss", 2, 300, true, 0.01);
            DataTestSupport.train(d32, m, p32, "CrossEntropyLoss", 2, 300, true, 0.01);
            DataTestSupport.train(s32, m, ps32, "CrossEntropyLoss", 2, 300, true, 0.01);
            double maxRel = 0;
            double maxSparse = 0;
            double scale = 0;
            for (double v : p64) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < p64.length; i++) {
                maxRel = Math.max(maxRel, Math.abs(p64[i] - p32[i]) / scale);
                maxSparse = Math.max(maxSparse, Math.abs(ps32[i] - p32[i]) / scale);
            }
            System.out.printf(Locale.ROOT, "float32 vs float64 storage: max |dw|/max|w| = %.3g after 20 steps%n", maxRel);
            // Inputs differ by float32 rounding (2^-24 relative); the weights follow within a few ulps of float32.
            assertTrue(maxRel < 1e-6, "float32 vs float64: " + maxRel);
            assertTrue(maxRel > 0, "float32 storage really rounds");
            assertTrue(maxSparse < 1e-12, "sparse float32 vs dense float32: " + maxSparse);
        } finally {
            DataTestSupport.release(d64);
            DataTestSupport.release(d32);
            DataTestSupport.release(s32);
        }
    }
}
