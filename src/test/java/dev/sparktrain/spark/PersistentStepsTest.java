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
 * {@link PersistentSteps}: the training steps computed in a barrier stage (no job per step) give
 * the job path's bits, shuffled or not; without validation one stage serves every epoch until
 * another job needs the slots; {@code auto} is on in local mode; and where the stage cannot run
 * (more partitions than slots) or a task fails, the run goes on through jobs with the same bits.
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

    /**
     * Without validation one stage serves all three epochs; a job started between epochs (from a
     * listener, on the training thread: it would wait for the stage's slots for ever) ends the stage
     * through the guard, and the next epoch starts a new one, with the same bits throughout.
     */
    @Test
    void oneStageServesEveryEpochUntilAnotherJobEndsIt() {
        var jsc = SameBitsBackendTest.jsc();
        PackedBlock[] local = {PackedBlock.dense(0, N, D, 1, Arrays.copyOf(ROWS[0], N * D), Arrays.copyOf(ROWS[1], N))};
        long[] ref = trainWithoutValidation(new dev.sparktrain.train.LocalBackend(MODEL, crossEntropy(), local,
                new PackedBlock[0], SameBitsBackendTest.BATCH), null);
        for (boolean otherJob : new boolean[] {false, true}) {
            dev.sparktrain.train.TrainListener listener = !otherJob ? null : new dev.sparktrain.train.TrainListener() {
                @Override
                public void afterEpoch(dev.sparktrain.train.EpochStats s, double[] p) {
                    assertEquals(4L, jsc.parallelize(Arrays.asList(1, 2, 3, 4), 2).count());
                }
            };
            int[] stages = new int[1];
            long[] served = new long[1];
            long[] bits = SparkTestContext.withConf(jsc, Map.of(PersistentSteps.CONF, "true", SparkBackend.REDUCE_CONF, "driver"), () -> {
                JavaRDD<PackedBlock> train = Blocks.fromArrays(jsc, Arrays.copyOf(ROWS[0], N * D), Arrays.copyOf(ROWS[1], N), D, 1,
                        SameBitsBackendTest.scaled(new int[] {140, 160}));
                try (SparkBackend b = new SparkBackend(jsc, train, null, MODEL, crossEntropy(), SameBitsBackendTest.BATCH)) {
                    long[] w = trainWithoutValidation(b, listener);
                    stages[0] = b.persistentStages();
                    served[0] = b.persistentSteps();
                    return w;
                } finally {
                    train.unpersist(false);
                }
            });
            org.junit.jupiter.api.Assertions.assertArrayEquals(ref, bits, "weights, another job between epochs: " + otherJob);
            assertEquals(STEPS, served[0], "every step served by a stage");
            assertEquals(otherJob ? 3 : 1, stages[0], "stages: one per epoch when a job ends each, else one");
        }
    }

    private static Loss crossEntropy() {
        return Losses.create("CrossEntropyLoss", Options.empty("loss"), 3);
    }

    /** {@link SameBitsBackendTest#train}'s run (3 epochs, Adam), shuffled, without validation: the final weights' bits. */
    private static long[] trainWithoutValidation(dev.sparktrain.train.StepBackend backend, dev.sparktrain.train.TrainListener l) {
        double[] p = MODEL.initParams(4);
        var opt = dev.sparktrain.optim.Optimizers.create("Adam", new Options("optimizer", Map.of("lr", 0.01, "weight_decay", 0.001)),
                dev.sparktrain.optim.GroupSpec.all(p.length));
        var trainer = new dev.sparktrain.train.Trainer(opt, null, null,
                new dev.sparktrain.train.TrainSettings(3, SameBitsBackendTest.BATCH, true, 17, null));
        if (l != null) trainer.listen(l);
        trainer.fit(p, backend);
        return SameBitsBackendTest.bits(p);
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
