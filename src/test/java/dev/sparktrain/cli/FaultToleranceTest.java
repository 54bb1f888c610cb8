package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.store.Checkpoint;
import dev.sparktrain.store.Checkpoints;
import dev.sparktrain.faults.FaultInjection;
import dev.sparktrain.store.MetricsLog;
import dev.sparktrain.store.ModelIO;
import dev.sparktrain.train.SparkTestContext;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.sparktrain.cli.JobRuns.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults during a run through Spark, in {@code local[2,4]} (two threads, up to 4 attempts per
 * task, as on a cluster), with the test hooks of {@link FaultInjection}:
 * <ul>
 *   <li>failed task attempts (training steps and a validation pass, one task failing three times
 *       in a row) are retried and the run ends with weights bit-identical to a run without them;</li>
 *   <li>a task that always fails stops the run with one line; the last checkpoint is intact and
 *       resuming from it ends bit-identical;</li>
 *   <li>a NaN loss from an executor stops the run naming epoch and step, the last checkpoint is
 *       intact, and resuming ends bit-identical; with {@code train.nonfinite = skip} a step with an
 *       infinite gradient is skipped, counted and reported, and the run finishes.</li>
 * </ul>
 */
class FaultToleranceTest {
    static final String MASTER = "local[2,4]";
    static final Configuration CONF = new Configuration();
    @TempDir
    static Path tmp;
    static Path job;
    static double[] reference;

    static JavaSparkContext jsc() {
        return SparkTestContext.get(MASTER);
    }

    @BeforeAll
    static void dataAndReferenceRun() throws IOException {
        job = JobRuns.writeThreeClassJob(tmp, 3, List.of(
                "model = linear(6,16), relu, linear(16,3)",
                "optimizer = Adam", "optimizer.lr = 0.01",
                "scheduler = CosineAnnealingLR", "scheduler.T_max = 4"),
                "train.seed = 5");
        run("ref", null, null);
        reference = params("ref");
    }

    /** Runs the job into tmp/name with the given hook settings (null: none); returns what it printed. */
    static String run(String name, String failTask, String nonFinite, String... overrides) {
        JavaSparkContext jsc = jsc();
        jsc.setLocalProperty(FaultInjection.FAIL_TASK, failTask);
        jsc.setLocalProperty(FaultInjection.NONFINITE, nonFinite);
        try {
            String[] args = new String[overrides.length + 2];
            args[0] = job.toString();
            args[1] = "output.dir=" + tmp.resolve(name);
            System.arraycopy(overrides, 0, args, 2, overrides.length);
            return JobRuns.output(jsc, args);
        } finally {
            jsc.setLocalProperty(FaultInjection.FAIL_TASK, null);
            jsc.setLocalProperty(FaultInjection.NONFINITE, null);
        }
    }

    static String resume(String name) {
        return JobRuns.output(jsc(), "--resume", tmp.resolve(name).toString());
    }

    static double[] params(String name) {
        return ModelIO.load(tmp.resolve(name).toString(), CONF).params();
    }

    static String latest(String name) throws IOException {
        return Files.readString(tmp.resolve(name).resolve("checkpoints/latest")).strip();
    }

    @Test
    void failedTaskAttemptsAreRetriedAndChangeNothing() {
        int before = FaultInjection.injected();
        // the first task of the run; every task of one step (one: the 184 training rows are one row
        // group, held by partition 2 of 3); a validation task (those run on every partition); one
        // task three times in a row
        String spec = "epoch1.step1:2:0, epoch2.step3:*:0, epoch2.validation:1:0, epoch3.step5:2:0, epoch3.step5:2:1, epoch3.step5:2:2";
        String out = run("retried", spec, null);
        assertEquals(1 + 1 + 1 + 3, FaultInjection.injected() - before, "every injected failure happened");
        assertTrue(out.startsWith("sparktrain: model") && out.contains("\nsparktrain: TEST HOOK ACTIVE (faults are injected on purpose): "
                + FaultInjection.FAIL_TASK + " = " + spec + "\n"), out);
        assertArrayEquals(bits(reference), bits(params("retried")), "retried tasks compute the same sums");
        assertEquals(MetricsLog.read(tmp.resolve("ref").toString(), CONF).stream().map(m -> m.get("val_loss")).toList(),
                MetricsLog.read(tmp.resolve("retried").toString(), CONF).stream().map(m -> m.get("val_loss")).toList());
    }

    /** Issue 14: the sharded step's three stages retried (gather, gradient, owners), the same bits as the driver-side run. */
    @Test
    void shardedStepTasksAreRetriedAndChangeNothing() {
        int before = FaultInjection.injected();
        String out = run("sharded-retried", "epoch1.step1:2:0, epoch2.step3:*:0, epoch2.validation:1:0", null,
                "train.sharded_optimizer=on");
        // every one of the 3 partitions runs the sharded step's gradient task (the driver-side step: only the one holding rows)
        assertEquals(1 + 3 + 1, FaultInjection.injected() - before, "every injected failure happened");
        assertTrue(out.contains("done:"), out);
        assertArrayEquals(bits(reference), bits(params("sharded-retried")), "retried sharded tasks compute the same sums");
    }

    /** A skipped non-finite step drops the owners' pending gradient: the same weights as the driver-side skip. */
    @Test
    void shardedSkipModeSkipsTheStepAsTheDriverSideStepDoes() {
        run("skip-off", null, "epoch3.step2:2:grad", "train.nonfinite=skip", "train.sharded_optimizer=off");
        String out = run("skip-on", null, "epoch3.step2:2:grad", "train.nonfinite=skip", "train.sharded_optimizer=on");
        assertTrue(out.contains("\nepoch 3 step 2: the gradient norm is Infinity; optimizer step skipped (train.nonfinite = skip)\n"), out);
        assertArrayEquals(bits(params("skip-off")), bits(params("skip-on")));
        assertFalse(Arrays.equals(bits(reference), bits(params("skip-on"))), "one optimizer step fewer than the reference");
    }

    @Test
    void aTaskThatAlwaysFailsStopsTheRunInOneLineAndResumeEndsBitIdentical() throws IOException {
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> run("hopeless", "epoch2.step3:2:*", null));
        assertTrue(e.getMessage().startsWith("epoch 2 step 3: Spark job failed: InjectedFailure: test hook "
                + FaultInjection.FAIL_TASK + ": injected failure in sparktrain epoch 2 step 3, partition 2, attempt 3"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals("epoch-000001", latest("hopeless"));
        assertFalse(Files.exists(tmp.resolve("hopeless/model.json")));
        String out = resume("hopeless");
        assertTrue(out.contains("resume: from " + tmp.resolve("hopeless/checkpoints/epoch-000001") + " (epoch 1,"), out);
        assertArrayEquals(bits(reference), bits(params("hopeless")));
    }

    @Test
    void nanLossFromAnExecutorStopsNamingEpochAndStepAndTheCheckpointResumesExactly() throws IOException {
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> run("nan", null, "epoch3.step2:2:loss"));
        assertTrue(e.getMessage().startsWith("epoch 3 step 2: the loss is NaN (diverged or bad data); stopped before the "
                + "optimizer step, the last checkpoint is intact"), e.getMessage());
        assertEquals("epoch-000002", latest("nan"));
        Checkpoint c = Checkpoints.read(tmp.resolve("nan/checkpoints/epoch-000002").toString(), CONF);
        assertEquals(2, c.epoch());
        for (double v : c.params()) assertTrue(Double.isFinite(v));
        assertEquals(2, MetricsLog.read(tmp.resolve("nan").toString(), CONF).size(), "metrics of the two finished epochs");
        assertFalse(Files.exists(tmp.resolve("nan/model.json")), "no model from a stopped run");
        assertFalse(Files.exists(tmp.resolve("nan/checkpoints/epoch-000003")));

        resume("nan");
        assertArrayEquals(bits(reference), bits(params("nan")), "the last good checkpoint continues exactly");
    }

    @Test
    void skipModeSkipsAnInfiniteGradientStepCountsItAndFinishes() {
        String out = run("skip", null, "epoch3.step2:2:grad", "train.nonfinite=skip");
        assertTrue(out.contains("\nepoch 3 step 2: the gradient norm is Infinity; optimizer step skipped (train.nonfinite = skip)\n"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("epoch   3/4") && l.contains("skipped 1 step")), out);
        assertTrue(out.contains("\nnonfinite: 1 optimizer steps skipped for a NaN/Inf loss or gradient (train.nonfinite = skip)\n"), out);
        Map<String, Object> d = ModelIO.load(tmp.resolve("skip").toString(), CONF).description();
        assertEquals(Map.of("policy", "skip", "skipped_steps", 1), d.get("nonfinite"));
        List<Object> skipped = MetricsLog.read(tmp.resolve("skip").toString(), CONF).stream().map(m -> m.get("skipped_steps")).toList();
        assertEquals(List.of(0, 0, 1, 0), skipped);
        double[] p = params("skip");
        for (double v : p) assertTrue(Double.isFinite(v));
        assertFalse(Arrays.equals(bits(reference), bits(p)), "one optimizer step fewer than the reference");
    }
}
