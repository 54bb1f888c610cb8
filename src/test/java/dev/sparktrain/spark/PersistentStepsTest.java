package dev.sparktrain.spark;

import dev.sparktrain.config.Options;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.faults.FaultInjection;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.spark.load.Blocks;
import dev.sparktrain.train.SparkTestContext;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;

import static dev.sparktrain.spark.SameBitsBackendTest.D;
import static dev.sparktrain.spark.SameBitsBackendTest.MODEL;
import static dev.sparktrain.spark.SameBitsBackendTest.N;
import static dev.sparktrain.spark.SameBitsBackendTest.ROWS;
import static dev.sparktrain.spark.SameBitsBackendTest.VAL;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@link PersistentSteps}: the training steps computed in one barrier stage per epoch (no job per
 * step) give the job path's bits, shuffled or not; {@code auto} is on in local mode; and where the
 * stage cannot run (more partitions than slots) or a task fails, the run goes on through jobs
 * with the same bits.
 * {@code local[2,4]}: two slots.
 */
class PersistentStepsTest {
    /** 3 epochs of ceil(6000 / 2560) = 3 steps. */
    private static final int STEPS = 9;

    private record Run(SameBitsBackendTest.Result result, long persistentSteps) {
    }

    private static Run run(int[] trainSizes, boolean shuffle) {
        Loss loss = Losses.create("CrossEntropyLoss", Options.empty("loss"), 3);
        var jsc = SameBitsBackendTest.jsc();
        JavaRDD<PackedBlock> train = Blocks.fromArrays(jsc, Arrays.copyOf(ROWS[0], N * D), Arrays.copyOf(ROWS[1], N), D, 1,
                SameBitsBackendTest.scaled(trainSizes));
        JavaRDD<PackedBlock> val = Blocks.fromArrays(jsc, Arrays.copyOfRange(ROWS[0], N * D, (N + VAL) * D),
                Arrays.copyOfRange(ROWS[1], N, N + VAL), D, 1, SameBitsBackendTest.scaled(new int[] {30, 30}));
        try (SparkBackend b = new SparkBackend(jsc, train, val, MODEL, loss, SameBitsBackendTest.BATCH)) {
            SameBitsBackendTest.Result r = SameBitsBackendTest.train(MODEL, b, shuffle);
            return new Run(r, b.persistentSteps());
        } finally {
            train.unpersist(false);
            val.unpersist(false);
        }
    }

    private static Run persistent(int[] trainSizes, boolean shuffle, Map<String, String> more) {
        return withMode("true", trainSizes, shuffle, more);
    }

    private static Run withMode(String mode, int[] trainSizes, boolean shuffle, Map<String, String> more) {
        Map<String, String> conf = new java.util.HashMap<>(more);
        conf.put(PersistentSteps.CONF, mode);
        conf.put(SparkBackend.REDUCE_CONF, "driver");
        return SparkTestContext.withConf(SameBitsBackendTest.jsc(), conf, () -> run(trainSizes, shuffle));
    }

    @Test
    void theStepsOfABarrierStageHaveTheJobsBits() {
        for (boolean shuffle : new boolean[] {true, false}) {
            SameBitsBackendTest.Result ref = SameBitsBackendTest.local(shuffle);
            for (int[] sizes : new int[][] {{300}, {140, 160}, {0, 300}}) {
                Run r = persistent(sizes, shuffle, Map.of());
                r.result().assertSame(ref, Arrays.toString(sizes) + " shuffle=" + shuffle);
                assertEquals(STEPS, r.persistentSteps(), "every step served by the stage: " + Arrays.toString(sizes));
            }
        }
    }

    @Test
    void autoIsOnInLocalModeAndFalseIsOff() {
        SameBitsBackendTest.Result ref = SameBitsBackendTest.local(true);
        Run auto = withMode("auto", new int[] {140, 160}, true, Map.of());
        auto.result().assertSame(ref, "auto");
        assertEquals(STEPS, auto.persistentSteps(), "auto: on in local mode");
        Run off = withMode("false", new int[] {140, 160}, true, Map.of());
        off.result().assertSame(ref, "false");
        assertEquals(0, off.persistentSteps());
        org.junit.jupiter.api.Assertions.assertThrows(dev.sparktrain.SparkTrainException.class,
                () -> withMode("sometimes", new int[] {300}, true, Map.of()));
    }

    @Test
    void morePartitionsThanSlotsRunAsJobsWithTheSameBits() {
        Run r = persistent(new int[] {100, 100, 100}, true, Map.of());
        r.result().assertSame(SameBitsBackendTest.local(true), "3 partitions on 2 slots");
        assertEquals(0, r.persistentSteps());
    }

    @Test
    void aFailedTaskTurnsTheModeOffAndTheRunKeepsItsBits() {
        int before = FaultInjection.injected();
        Run r = persistent(new int[] {140, 160}, true, Map.of(FaultInjection.FAIL_TASK, "*:1:0"));
        r.result().assertSame(SameBitsBackendTest.local(true), "partition 1's first attempt fails");
        assertEquals(true, FaultInjection.injected() > before, "the fault was injected");
        assertEquals(true, r.persistentSteps() < STEPS, "the steps after the failure ran as jobs");
    }
}
