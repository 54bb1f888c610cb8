package dev.sparktrain.spark.load;

import dev.sparktrain.data.DataSettings;
import dev.sparktrain.data.Synthetic;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.SparkTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A softmax model on LibSVM data with 1,000,000 features at 0.01% density, in local mode: the
 * blocks are CSR (about 12 bytes per non-zero, not 8 MB per row) and the first layer runs on CSR.
 */
class SparseMillionFeaturesTest {
    static final int D = 1_000_000;

    @TempDir
    Path dir;

    @Test
    void softmaxOnAMillionSparseFeaturesTrainsInLocalMode() {
        long t0 = System.nanoTime();
        Synthetic spec = new Synthetic(2000, D, 2, 1e-4, 11, 0.1);
        String out = dir.resolve("sparse.libsvm").toString();
        SyntheticWriter.write(SparkTestContext.get(), spec, 2, "libsvm", "vector", out, false);
        DataSettings s = DataSettings.builder(out, D).format(DataSettings.Format.LIBSVM).classes(2)
                .validationFraction(0.2).partitions(2).build();
        LoadedData d = DataLoader.load(SparkTestContext.get(), s);
        try {
            assertEquals("sparse float64", d.layout());
            assertEquals(2000, d.trainRows() + d.validationRows());
            // ~100 non-zeros per row: CSR holds them in ~12 bytes each (int index + double value).
            assertTrue(Math.abs(d.nonZeros() - 200_000) < 5_000, "non-zeros " + d.nonZeros());
            assertTrue(d.cachedBytes() < 14L * d.nonZeros() + 64_000, "cached " + d.cachedBytes());
            Sequential m = Sequential.parse("linear(" + D + ",2)", "t");
            double[] params = m.initParams(1);
            List<EpochStats> h = DataTestSupport.train(d, m, params, "CrossEntropyLoss", 2, 400, true, 0.05);
            double secs = (System.nanoTime() - t0) / 1e9;
            Runtime rt = Runtime.getRuntime();
            System.out.printf(Locale.ROOT, "sparse 1M features: %d rows, %d non-zeros, cached %d bytes (dense would be %d), "
                            + "2 epochs loss %.4f -> %.4f, %.1f s, heap used %d MB%n", d.trainRows() + d.validationRows(),
                    d.nonZeros(), d.cachedBytes(), 8L * 2000 * D, h.get(0).trainLoss(), h.get(1).trainLoss(), secs,
                    (rt.totalMemory() - rt.freeMemory()) >> 20);
            assertTrue(h.get(1).trainLoss() < h.get(0).trainLoss(), "loss decreases");
            assertTrue(h.get(1).trainLoss() < Math.log(2), "better than chance");
        } finally {
            DataTestSupport.release(d);
        }
    }
}
