package dev.sparktrain.spark;

import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.faults.FaultInjection;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.lr.Scheduler;
import dev.sparktrain.optim.lr.Schedulers;
import dev.sparktrain.config.Options;
import dev.sparktrain.spark.ShardedStepTest.Case;
import dev.sparktrain.spark.ShardedStepTest.Run;
import dev.sparktrain.spark.load.Blocks;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.SparkTestContext;
import dev.sparktrain.train.TrainListener;
import dev.sparktrain.train.TrainSettings;
import dev.sparktrain.train.Trainer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static dev.sparktrain.spark.SameBitsBackendTest.BATCH;
import static dev.sparktrain.spark.SameBitsBackendTest.D;
import static dev.sparktrain.spark.SameBitsBackendTest.N;
import static dev.sparktrain.spark.SameBitsBackendTest.ROWS;
import static dev.sparktrain.spark.SameBitsBackendTest.VAL;
import static dev.sparktrain.spark.SameBitsBackendTest.bits;
import static dev.sparktrain.spark.SameBitsBackendTest.scaled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14: the sharded step in a persistent barrier stage ({@link PersistentShards}): slices and
 * their optimizer state stay in the tasks, which exchange slices and trees directly. It gives the
 * job path's bits (weights, validation losses, gradient norms, optimizer state), dense and sparse,
 * with one owner per partition or fewer owners than partitions; a task that fails mid-stage is
 * recovered by replaying the stage's steps through jobs (same bits); a job started between epochs
 * ends the stage cleanly.
 */
class PersistentShardsTest {
    static final int EPOCHS = 3;
    /** Two partitions: the test context has two slots, and a barrier stage needs one per partition. */
    static final int[][] LAYOUT = {{170, 130}, {25, 35}};

    static JavaSparkContext jsc() {
        return SameBitsBackendTest.jsc();
    }

    /** A run's result and its sharded step's {served steps, stages, failures}. */
    record Served(Run run, long steps, long stages, long failures) {
    }

    static Served train(Case c, Sequential model, Supplier<JavaRDD<PackedBlock>[]> data, boolean shuffle, int shards, boolean validation,
                        String persistent, TrainListener listener) {
        return SparkTestContext.withConf(jsc(), Map.of(PersistentSteps.CONF, persistent), () -> {
            JavaRDD<PackedBlock>[] d = data.get();
            try {
                double[] p = model.initParams(4);
                Optimizer opt = c.newOptimizer(model);
                Scheduler sched = c.scheduler() == null ? null
                        : Schedulers.create(c.scheduler(), opt, new Options("scheduler", c.schedulerOptions()));
                Trainer t = new Trainer(opt, sched, c.clipper(model), new TrainSettings(EPOCHS, BATCH, shuffle, 17, null));
                if (listener != null) t.listen(listener);
                SparkBackend base = new SparkBackend(jsc(), d[0], validation ? d[1] : null, model, ShardedStepTest.loss(), BATCH);
                List<EpochStats> h;
                long[] served;
                try (ShardedStep s = new ShardedStep(base, p, opt, new SliceNorm(c.clipper(model), model.paramCount()), shards)) {
                    h = t.fit(p, s);
                    served = s.persistentSteps();
                }
                return new Served(new Run(bits(p), bits(h.stream().mapToDouble(EpochStats::valLoss).toArray()),
                        bits(h.stream().mapToDouble(EpochStats::gradNorm).toArray()), opt.state()), served[0], served[1], served[2]);
            } finally {
                d[0].unpersist(false);
                d[1].unpersist(false);
            }
        });
    }

    @SuppressWarnings("unchecked")
    static JavaRDD<PackedBlock>[] dense() {
        return new JavaRDD[] {
            Blocks.fromArrays(jsc(), Arrays.copyOf(ROWS[0], N * D), Arrays.copyOf(ROWS[1], N), D, 1, scaled(LAYOUT[0])),
            Blocks.fromArrays(jsc(), Arrays.copyOfRange(ROWS[0], N * D, (N + VAL) * D), Arrays.copyOfRange(ROWS[1], N, N + VAL), D, 1,
                    scaled(LAYOUT[1]))};
    }

    static final long STEPS = EPOCHS * ((N + BATCH - 1) / BATCH);

    @Test
    void everyStepServedWithTheJobPathsBits() {
        for (int i = 0; i < ShardedStepTest.CASES.size(); i++) {
            Case c = ShardedStepTest.CASES.get(i);
            boolean shuffle = i % 2 == 0;
            int shards = 1 + i % 2; // one slice: partition 1 owns nothing and only computes
            String what = c + " shuffle=" + shuffle + " shards=" + shards;
            Served jobs = train(c, ShardedStepTest.MODEL, PersistentShardsTest::dense, shuffle, shards, true, "false", null);
            Served stage = train(c, ShardedStepTest.MODEL, PersistentShardsTest::dense, shuffle, shards, true, "true", null);
            assertEquals(0, jobs.steps(), what);
            stage.run().assertSame(jobs.run(), what);
            assertEquals(STEPS, stage.steps(), "every step served by a stage: " + what);
            assertEquals(EPOCHS, stage.stages(), "validation ends each epoch's stage: " + what);
            assertEquals(0, stage.failures(), what);
        }
    }

    @Test
    void sparseTravelInTheStageHasTheSameBits() {
        Case c = SparseShardedStepTest.CASES.get(2);
        Supplier<JavaRDD<PackedBlock>[]> csr = () -> new JavaRDD[] {
            Blocks.fromBlocks(jsc(), SparseShardedStepTest.blocks(0, new int[] {2500, 3500})),
            Blocks.fromBlocks(jsc(), SparseShardedStepTest.blocks(SparseShardedStepTest.N, new int[] {600, 600}))};
        Served jobs = train(c, SparseShardedStepTest.MODEL, csr, true, 2, true, "false", null);
        Served stage = train(c, SparseShardedStepTest.MODEL, csr, true, 2, true, "true", null);
        stage.run().assertSame(jobs.run(), "CSR, linear(50000,3) first");
        assertEquals(EPOCHS * ((SparseShardedStepTest.N + BATCH - 1) / BATCH), stage.steps());
    }

    /**
     * Partition 1's task fails at the stage's 5th step (one stage serves all 9 steps without
     * validation): the stage's first 4 steps are replayed through jobs, the 5th runs as a job, a
     * new stage serves the rest, and the run ends with the bits of a run without failures.
     */
    @Test
    void aTaskLostMidStageIsReplayedToTheSameBits() {
        Case c = ShardedStepTest.CASES.get(3);
        Served ref = train(c, ShardedStepTest.MODEL, PersistentShardsTest::dense, false, 2, false, "false", null);
        int before = FaultInjection.injected();
        jsc().setLocalProperty(FaultInjection.FAIL_TASK, "persistent.step5:1:0");
        Served failed;
        try {
            failed = train(c, ShardedStepTest.MODEL, PersistentShardsTest::dense, false, 2, false, "true", null);
        } finally {
            jsc().setLocalProperty(FaultInjection.FAIL_TASK, null);
        }
        assertEquals(1, FaultInjection.injected() - before, "one failure injected");
        failed.run().assertSame(ref.run(), "a lost stage replayed");
        assertEquals(1, failed.failures(), "the stage failed once");
        assertEquals(2, failed.stages(), "a new stage after the failure");
        assertEquals(STEPS - 1, failed.steps(), "every step but the failed one served by a stage (the replayed ones count once)");
    }

    /** Without validation one stage serves every epoch; a job started by a listener between epochs ends it cleanly (no hang). */
    @Test
    void aJobBetweenEpochsEndsTheStageCleanly() {
        Case c = ShardedStepTest.CASES.get(4);
        Served ref = train(c, ShardedStepTest.MODEL, PersistentShardsTest::dense, true, 2, false, "false", null);
        Served one = train(c, ShardedStepTest.MODEL, PersistentShardsTest::dense, true, 2, false, "true", null);
        one.run().assertSame(ref.run(), "one stage");
        assertEquals(1, one.stages());
        TrainListener otherJob = new TrainListener() {
            @Override
            public void afterEpoch(EpochStats s, double[] p) {
                assertEquals(4L, jsc().parallelize(Arrays.asList(1, 2, 3, 4), 2).count());
            }
        };
        Served ended = assertTimeoutPreemptively(java.time.Duration.ofMinutes(3),
                () -> train(c, ShardedStepTest.MODEL, PersistentShardsTest::dense, true, 2, false, "true", otherJob));
        ended.run().assertSame(ref.run(), "a stage per epoch");
        assertEquals(EPOCHS, ended.stages());
        assertEquals(STEPS, ended.steps());
        assertEquals(0, ended.failures());
    }
}
