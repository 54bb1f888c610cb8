package dev.sparktrain.spark;

import dev.sparktrain.nn.Activation;
import dev.sparktrain.nn.Dropout;
import dev.sparktrain.nn.Linear;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.train.TaskThreads;
import dev.sparktrain.train.SparkTestContext;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.sparktrain.spark.SameBitsBackendTest.LAYOUTS;
import static dev.sparktrain.spark.SameBitsBackendTest.local;
import static dev.sparktrain.spark.SameBitsBackendTest.spark;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Issue 15: a model with Dropout trains to the same bits on any partitioning and thread count
 * (a row's mask depends on the step and its global index only), and Dropout(0) is no dropout.
 */
class SameBitsDropoutTest {
    static Sequential withDropout(double p) {
        return new Sequential(List.of(new Linear(8, 16), new Activation(Activation.Kind.TANH, 16), new Dropout(p, 16),
                new Linear(16, 3)));
    }

    @Test
    void dropoutMasksAreTheSameOnAnyPartitioningAndThreadCount() {
        Sequential model = withDropout(0.3);
        for (boolean shuffle : new boolean[] {true, false}) {
            SameBitsBackendTest.Result ref = local(model, shuffle);
            for (int[][] layout : List.of(LAYOUTS[1], LAYOUTS[3])) {
                spark(model, layout, shuffle).assertSame(ref, Arrays.toString(layout[0]) + " shuffle=" + shuffle);
            }
            SparkTestContext.withConf(SameBitsBackendTest.jsc(), Map.of(TaskThreads.CONF, "3"), () -> spark(model, LAYOUTS[2], shuffle))
                    .assertSame(ref, "3 threads per task, shuffle=" + shuffle);
        }
        assertFalse(Arrays.equals(local(model, true).params(), local(true).params()), "dropout changes the trajectory");
    }

    @Test
    void dropoutWithPZeroIsNoDropoutBitForBit() {
        spark(withDropout(0.0), LAYOUTS[1], true).assertSame(local(true), "Dropout(0) against the model without it");
    }
}
