package dev.sparktrain.ml;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The shardedOptimizer param: a fit with the optimizer step on the executors gives the driver-side fit's weights, bit for bit. */
class MlShardedOptimizerTest {

    private static SparkTrainClassifier classifier(String sharded) {
        return new SparkTrainClassifier().setLayers("linear(*,16), tanh, linear(16,*)").setOptimizer("Adam").setLr(0.01)
                .setMaxNorm(0.5).setEpochs(3).setBatchSize(100).setShuffle(true).setNumPartitions(3).setShardedOptimizer(sharded);
    }

    @Test
    void aShardedFitHasTheDriverSideFitsBits() {
        Dataset<Row> data = MlTestData.sparseClasses(MlTestData.spark(), 600, 40, 5, 3, 7);
        assertEquals("auto", new SparkTrainClassifier().getShardedOptimizer());
        double[] off = classifier("off").fit(data).weights();
        double[] on = classifier("on").fit(data).weights();
        assertArrayEquals(bits(off), bits(on));
        assertFalse(Arrays.equals(off, classifier("off").setLr(0.02).fit(data).weights()), "another lr, other weights");
        assertThrows(IllegalArgumentException.class, () -> new SparkTrainClassifier().setShardedOptimizer("yes"));
    }

    private static long[] bits(double[] v) {
        return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
    }
}
