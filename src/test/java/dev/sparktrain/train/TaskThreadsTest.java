package dev.sparktrain.train;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.data.BlockSlice;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.RowGroups;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Threads within one step task: the one-thread bits for any thread count, errors surface. */
class TaskThreadsTest {
    private static final int ROWS = 3000;
    private static final int D = 12;
    private static final Sequential MODEL = Sequential.parse("linear(12,8), tanh, linear(8,3)", "t");
    private static final Loss LOSS = Losses.create("CrossEntropyLoss", Options.empty("loss"), 3);

    private static PackedBlock block(int badLabelRow) {
        Random r = new Random(7);
        PackedBlock.Builder b = new PackedBlock.Builder(D, 1, PackedBlock.Storage.DENSE, PackedBlock.Precision.FLOAT64, ROWS);
        for (int i = 0; i < ROWS; i++) {
            double[] x = new double[D];
            for (int j = 0; j < D; j++) x[j] = r.nextGaussian();
            b.addDense(x, new double[] {i == badLabelRow ? 7 : r.nextInt(3)});
        }
        return b.build(0);
    }

    private static double[] sums(PackedBlock b, BlockSlice s, int threads) {
        double[] p = MODEL.initParams(3);
        RowGroups groups = RowGroups.forTraining(ROWS, 0);
        return GroupedSums.step(b, s, groups, p, 0L, threads, () -> new BlockWorker(MODEL, LOSS)).root();
    }

    @Test
    void anyThreadCountGivesTheOneThreadSumsAndTheSameBitsEveryTime() {
        PackedBlock b = block(-1);
        BlockSlice range = BlockSlice.range(100, 2500);
        BlockSlice shuffled = b.slice(new EpochOrder(ROWS, true, 5, 1), 1, 200, 2900);
        for (BlockSlice s : new BlockSlice[] {range, shuffled}) {
            double[] one = sums(b, s, 1);
            assertEquals(s.length(), one[one.length - 2], "rows counted");
            for (int t : new int[] {2, 3, 4, 64}) {
                assertArrayEquals(one, sums(b, s, t), "threads=" + t + ": not the one-thread bits");
            }
        }
    }

    @Test
    void anErrorInAnotherThreadReachesTheTaskThread() {
        PackedBlock b = block(2900); // only the last part, on a pool thread, meets the bad label
        SparkTrainException e = assertThrows(SparkTrainException.class,
                () -> sums(b, BlockSlice.range(0, ROWS), 2));
        assertTrue(e.getMessage().contains("target of row"), e.getMessage());
    }

    @Test
    void threadsPerTaskAreTheCoresTheStepLeavesIdle() {
        assertEquals(2, TaskThreads.forStep(0, 2, 2, 1), "local[2], a batch in one partition");
        assertEquals(1, TaskThreads.forStep(0, 2, 2, 2), "local[2], both partitions busy");
        assertEquals(1, TaskThreads.forStep(0, 2, 2, 5), "more tasks than cores");
        assertEquals(1, TaskThreads.forStep(0, 4, 1, 1), "one-core executors");
        assertEquals(4, TaskThreads.forStep(0, 8, 4, 1), "capped by one executor's cores");
        assertEquals(2, TaskThreads.forStep(0, 8, 4, 3));
        assertEquals(3, TaskThreads.forStep(3, 2, 2, 2), "configured");
    }

    @Test
    void aBadThreadCountIsRefusedByName() {
        assertEquals(0, TaskThreads.configured(" 0 "));
        assertEquals(4, TaskThreads.configured("4"));
        for (String bad : new String[] {"-1", "two", "", "1.5"}) {
            SparkTrainException e = assertThrows(SparkTrainException.class, () -> TaskThreads.configured(bad));
            assertTrue(e.getMessage().startsWith("spark.sparktrain.taskThreads: expected a whole number >= 0"), e.getMessage());
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }
}
