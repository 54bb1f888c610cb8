package dev.sparktrain.cli;

import dev.sparktrain.data.Synthetic;
import dev.sparktrain.faults.FaultInjection;
import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.spark.eval.Evaluation;
import dev.sparktrain.store.MetricsLog;
import dev.sparktrain.store.SavedModel;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.SparkTestContext;
import dev.sparktrain.train.TaskThreads;
import dev.sparktrain.train.TrainListener;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, whole jobs: the same job writes a params.bin with the same SHA-256 (and the same
 * validation loss every epoch) for any partition count, task thread count, reduce mode, with
 * retried task failures, and stopped after epoch 1 and resumed on another partition count; the
 * evaluate command's figures are the same on any partitioning and equal the run's validation
 * figures. A shortened digits job (shipped data, shuffled, standardized, validation held out,
 * Adam + cosine + clipping), a contiguous (unshuffled) variant, and a CSR (sparse storage) variant whose
 * 16 partitions outnumber its row groups. {@code local[2,4]}: retries, as on a cluster.
 */
class SameBitsJobTest {
    static final Configuration CONF = new Configuration();
    /** 1437 training rows in 2 row groups (about one per 512 batch rows); 2 shuffled steps an epoch. */
    static final int BATCH = 768;
    @TempDir
    static Path tmp;
    static Run ref;

    /** What must not depend on the cluster: the weights' file and the validation loss of every epoch. */
    record Run(String sha, List<Object> valLoss) {
    }

    static JavaSparkContext jsc() {
        return SparkTestContext.get(SparkTestContext.RETRIES);
    }

    @BeforeAll
    static void reference() {
        ref = digits("ref", "data.partitions=1");
        assertEquals(2, ref.valLoss.size());
    }

    /** The digits job, 2 epochs of 768-row batches (2 x 2 steps), into tmp/name, with {@code overrides}. */
    static Run digits(String name, String... overrides) {
        List<String> args = new ArrayList<>(List.of(Main.DEFAULT_JOB, "output.dir=" + tmp.resolve(name), "train.epochs=2",
                "train.batch_size=" + BATCH, "scheduler.T_max=2", "checkpoint.every=0"));
        args.addAll(List.of(overrides));
        JobRuns.output(jsc(), args.toArray(String[]::new));
        return result(name);
    }

    /** {@link #digits} with Spark settings (thread count, reduce mode) set for the run. */
    static Run digits(Map<String, String> spark, String name, String... overrides) {
        return SparkTestContext.withConf(jsc(), spark, () -> digits(name, overrides));
    }

    static Run result(String name) {
        try {
            byte[] bin = Files.readAllBytes(tmp.resolve(name).resolve("params.bin"));
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bin));
            List<Object> val = MetricsLog.read(tmp.resolve(name).toString(), CONF).stream().map(m -> m.get("val_loss")).toList();
            return new Run(sha, val);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {2, 3, 4, 8, 16})
    void anyPartitionCount(int partitions) {
        assertEquals(ref, digits("p" + partitions, "data.partitions=" + partitions));
    }

    @Test
    void anyTaskThreadCountAndReduceMode() {
        String threads = TaskThreads.CONF;
        String reduce = SparkBackend.REDUCE_CONF;
        // the reference ran one task with 2 threads (auto) merging on the driver
        assertEquals(ref, digits(Map.of(threads, "1", reduce, "driver"), "t1-driver", "data.partitions=1"));
        assertEquals(ref, digits(Map.of(threads, "2", reduce, "executors"), "t2-exec", "data.partitions=4"));
    }

    @Test
    void retriedTaskFailuresChangeNothing() {
        assertEquals(ref, retried("retried"));
    }

    /**
     * The digits job on 3 partitions with injected task failures: a task; every task of one step
     * (2: partition 0 of 3 holds no row group); a validation task; one task three times in a row.
     */
    static Run retried(String name, String... overrides) {
        int before = FaultInjection.injected();
        String spec = "epoch1.step1:1:0, epoch1.step2:*:0, epoch1.validation:1:0, epoch2.step2:2:0, epoch2.step2:2:1, epoch2.step2:2:2";
        jsc().setLocalProperty(FaultInjection.FAIL_TASK, spec);
        List<String> args = new ArrayList<>(List.of(overrides));
        args.add("data.partitions=3");
        Run retried;
        try {
            retried = digits(name, args.toArray(String[]::new));
        } finally {
            jsc().setLocalProperty(FaultInjection.FAIL_TASK, null);
        }
        assertEquals(1 + 2 + 1 + 3, FaultInjection.injected() - before, "every injected failure happened");
        return retried;
    }

    @Test
    void stoppedAfterEpochOneAndResumedOnOtherPartitions() {
        assertEquals(ref, stoppedAndResumed("stopped"));
    }

    /**
     * The digits job (with {@code overrides}) on 4 partitions killed after epoch 1, then resumed
     * with the data cut into 2 partitions and one thread per task.
     */
    static Run stoppedAndResumed(String name, String... overrides) {
        Path part = tmp.resolve(name);
        List<String> args = new ArrayList<>(List.of(Main.DEFAULT_JOB, "output.dir=" + part, "train.epochs=2",
                "train.batch_size=" + BATCH, "scheduler.T_max=2", "checkpoint.every=1", "data.partitions=4"));
        args.addAll(List.of(overrides));
        TrainJob killed = new TrainJob(Main.parse(args.toArray(String[]::new)));
        killed.listen(new TrainListener() {
            @Override
            public void afterEpoch(EpochStats s, double[] p) {
                if (s.epoch() == 1) throw new IllegalStateException("simulated kill after epoch 1");
            }
        });
        assertThrows(IllegalStateException.class, () -> killed.run(jsc(), JobRuns.quiet()));
        String out = SparkTestContext.withConf(jsc(), Map.of(TaskThreads.CONF, "1"),
                () -> JobRuns.output(jsc(), "--resume", part.toString(), "data.partitions=2"));
        assertTrue(out.contains("resume: from " + part.resolve("checkpoints/epoch-000001")), out);
        assertFalse(out.contains("resume: note"), "another partition count is not another job: " + out);
        return result(name);
    }

    /**
     * Issue 15: with Dropout in the model, the masks (a hash of the step and each row's global
     * index) are the same on any partitioning, after retried tasks and after a resume.
     */
    @Test
    void dropoutMasksAreTheSameOnAnyPartitioningRetryAndResume() {
        String model = "model=Linear(64, 128), ReLU(), Dropout(p=0.3), Linear(128, 10)";
        Run one = digits("drop1", model, "data.partitions=1");
        assertNotEquals(ref.sha, one.sha, "dropout changes the weights: this compares real masks");
        assertEquals(one, digits("drop3", model, "data.partitions=3"));
        assertEquals(one, digits(Map.of(TaskThreads.CONF, "3"), "drop16", model, "data.partitions=16"));
        assertEquals(one, retried("drop-retried", model));
        assertEquals(one, stoppedAndResumed("drop-stopped", model));
        assertEquals(ref, digits("drop0", "model=linear(64,128), relu, Dropout(0.0), linear(128,10)", "data.partitions=3"),
                "Dropout(0) is no dropout, bit for bit");
    }

    @Test
    void contiguousBatchesToo() {
        Run one = digits("seq1", "data.partitions=1", "train.shuffle=false");
        assertNotEquals(ref.sha, one.sha, "the order of the rows matters: this compares real bits");
        assertEquals(one, digits("seq3", "data.partitions=3", "train.shuffle=false"));
        assertEquals(one, digits("seq16", "data.partitions=16", "train.shuffle=false"));
    }

    @Test
    void evaluateGivesTheRunsValidationFiguresOnAnyPartitioning() {
        SavedModel m = SavedModel.load(tmp.resolve("ref").toString(), CONF);
        String first = null;
        for (int p : new int[] {1, 5, 16}) {
            Evaluation e = Commands.evaluate(jsc(), m, "validation", null, List.of("data.partitions=" + p), JobRuns.quiet());
            assertEquals(ref.valLoss.get(1), e.loss(), p + " partitions: the run's last validation loss");
            String figures = e.loss() + " " + e.accuracy() + " " + Arrays.deepToString(e.confusion());
            if (first == null) first = figures;
            else assertEquals(first, figures, p + " partitions");
        }
    }

    @Test
    void sparseRowsOnMorePartitionsThanRowGroups() throws IOException {
        // a csv of 30% non-zeros stored as CSR (the libsvm storage) without Spark SQL's start-up
        double[][] xy = new Synthetic(3000, 30, 3, 0.3, 7, 0.1).denseRows(0, 3000);
        StringBuilder csv = new StringBuilder();
        for (int r = 0; r < 3000; r++) {
            for (int j = 0; j < 30; j++) csv.append(xy[0][r * 30 + j]).append(',');
            csv.append((int) xy[1][r]).append('\n');
        }
        Path data = Files.writeString(tmp.resolve("sparse.csv"), csv);
        Path job = tmp.resolve("csr.conf");
        // 2400 training rows in batches of 1536: 3 row groups, so 16 partitions leave some empty
        Files.writeString(job, String.join("\n", "data.path = " + data, "data.storage = sparse", "data.features = 30",
                "data.classes = 3", "data.validation_fraction = 0.2", "data.standardize = true",
                "model = linear(30,16), relu, linear(16,3)", "optimizer = Adam", "optimizer.lr = 0.01",
                "train.epochs = 2", "train.batch_size = 1536", "train.shuffle = true", "train.seed = 3", "checkpoint.every = 0", ""));
        Run[] runs = new Run[3];
        int[] parts = {1, 3, 16};
        for (int i = 0; i < parts.length; i++) {
            String out = JobRuns.output(jsc(), job.toString(), "output.dir=" + tmp.resolve("csr" + parts[i]),
                    "data.partitions=" + parts[i]);
            assertTrue(out.contains("non-zeros") && out.contains(parts[i] + " partitions"), "sparse storage: " + out);
            runs[i] = result("csr" + parts[i]);
        }
        assertEquals(runs[0], runs[1]);
        assertEquals(runs[0], runs[2]);
    }
}
