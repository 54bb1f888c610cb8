package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.store.Checkpoint;
import dev.sparktrain.store.Checkpoints;
import dev.sparktrain.store.DataFacts;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.store.MetricsLog;
import dev.sparktrain.store.ModelIO;
import dev.sparktrain.train.SparkTestContext;
import dev.sparktrain.train.StepStats;
import dev.sparktrain.train.TrainListener;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.sparktrain.cli.JobRuns.bits;
import static dev.sparktrain.cli.JobRuns.quiet;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run stopped after epoch 2 of 4 and resumed ends with the same weights, to the bit, as the
 * uninterrupted run — through the Spark backend (local[2], 3 partitions) with shuffling on,
 * AdamW with a bias group, ReduceLROnPlateau, clipping and standardization. Then bad
 * checkpoints: a truncated latest and one of another model are refused and the previous good
 * one is used; a bad checkpoint named explicitly, or another optimizer, is refused in one line.
 */
class ResumeTest {
    @TempDir
    static Path tmp;
    static Path job;
    static List<EpochStats> full;
    static List<String> descriptions = new ArrayList<>();
    static String resumedOutput;
    static final Configuration CONF = new Configuration();

    static JavaSparkContext jsc() {
        return SparkTestContext.get();
    }

    @BeforeAll
    static void trainFullInterruptedAndResumed() throws IOException {
        job = JobRuns.writeThreeClassJob(tmp, 5, List.of(
                "model = linear(6,16), tanh, linear(16,3)",
                "optimizer = AdamW", "optimizer.lr = 0.02", "param_groups.bias.weight_decay = 0",
                "scheduler = ReduceLROnPlateau", "scheduler.patience = 0", "scheduler.factor = 0.5", "scheduler.threshold = 0.9"),
                "train.shuffle = true", "train.seed = 11", "checkpoint.keep = 2");

        TrainJob fullJob = new TrainJob(Main.parse(new String[] {job.toString(), "output.dir=" + tmp.resolve("full")}));
        fullJob.listen(new TrainListener() {
            @Override
            public void afterStep(StepStats s) {
                if (s.step() == 1) descriptions.add(jsc().getLocalProperty("spark.job.description"));
            }

            @Override
            public void afterEpoch(EpochStats s, double[] p) {
                descriptions.add(jsc().getLocalProperty("spark.jobGroup.id") + " | " + jsc().getLocalProperty("spark.job.description"));
            }
        });
        full = fullJob.run(jsc(), quiet());

        String part = tmp.resolve("part").toString();
        TrainJob killed = new TrainJob(Main.parse(new String[] {job.toString(), "output.dir=" + part}));
        killed.listen(new TrainListener() {
            @Override
            public void afterEpoch(EpochStats s, double[] p) {
                if (s.epoch() == 2) throw new IllegalStateException("simulated kill after epoch 2");
            }
        });
        IllegalStateException kill = assertThrows(IllegalStateException.class, () -> killed.run(jsc(), quiet()));
        assertEquals("simulated kill after epoch 2", kill.getMessage());
        assertEquals("epoch-000002", Files.readString(Path.of(part, "checkpoints", "latest")).strip());
        assertFalse(Files.exists(Path.of(part, "model.json")));

        copyOf("part", "part-copy"); // the stopped run, copied before it is resumed
        // resume with nothing but the run directory: the job comes from the checkpoint
        resumedOutput = JobRuns.output(jsc(), "--resume", part);
    }

    static double[] params(Path dir) {
        return ModelIO.load(dir.toString(), CONF).params();
    }

    @Test
    void resumedRunEndsBitIdenticalToTheUninterruptedOne() {
        assertTrue(resumedOutput.contains("resume: from " + tmp.resolve("part/checkpoints/epoch-000002") + " (epoch 2, step " + full.get(1).steps() + ")"),
                resumedOutput);
        assertFalse(resumedOutput.contains("epoch   1/4"), "epochs 1-2 are not run again");
        assertFalse(resumedOutput.contains("resume: note"), "same job, same data, same standardization: " + resumedOutput);
        assertTrue(resumedOutput.contains("epoch   3/4") && resumedOutput.contains("epoch   4/4"), resumedOutput);
        assertArrayEquals(bits(params(tmp.resolve("full"))), bits(params(tmp.resolve("part"))));
        // the whole trajectory agrees too (validation loss and lr of every epoch), and the lr did change on the way
        List<Map<String, Object>> a = MetricsLog.read(tmp.resolve("full").toString(), CONF);
        List<Map<String, Object>> b = MetricsLog.read(tmp.resolve("part").toString(), CONF);
        assertEquals(4, b.size());
        for (int e = 0; e < 4; e++) {
            assertEquals(a.get(e).get("val_loss"), b.get(e).get("val_loss"), "epoch " + (e + 1));
            assertEquals(a.get(e).get("lr"), b.get(e).get("lr"), "epoch " + (e + 1));
            assertEquals(a.get(e).get("step"), b.get(e).get("step"));
        }
        assertTrue(full.get(3).lr()[0] < full.get(0).lr()[0], "ReduceLROnPlateau reduced the lr: " + Arrays.toString(full.get(3).lr()));
    }

    @Test
    void sparkJobsAreGroupedByEpochAndNamedByEpochAndStep() {
        assertEquals("sparktrain epoch 1 step 1", descriptions.get(0));
        assertTrue(descriptions.get(1).matches("sparktrain-[0-9a-f]{8}-epoch-1 \\| sparktrain epoch 1 validation"), descriptions.get(1));
        assertTrue(descriptions.get(descriptions.size() - 1).matches("sparktrain-[0-9a-f]{8}-epoch-4 \\| sparktrain epoch 4 validation"));
    }

    static Path copyOf(String name, String as) throws IOException {
        return JobRuns.copyTree(tmp.resolve(name), tmp.resolve(as));
    }

    static String resume(String... args) {
        return JobRuns.output(jsc(), args);
    }

    @Test
    void aRunsOutputDirectoryIsContinuedInPlaceUnlessOutputDirIsGiven() throws IOException {
        Path copy = tmp.resolve("part-copy"); // its checkpoints' job says output.dir = <tmp>/part
        JobConfig cfg = Main.parse(new String[] {"--resume", copy.toString()});
        assertEquals(copy.toString(), cfg.outputDir);
        assertEquals(copy + "/checkpoints", cfg.run.checkpointDir);
        assertEquals(copy.toString(), Main.parse(new String[] {job.toString(), "resume=" + copy}).outputDir, "a job file without output.dir");
        String elsewhere = tmp.resolve("elsewhere").toString();
        assertEquals(elsewhere, Main.parse(new String[] {"--resume", copy.toString(), "output.dir=" + elsewhere}).outputDir);
        // a checkpoint directory is not a run's output directory: the job's output.dir stays
        assertEquals(tmp.resolve("part").toString(), Main.parse(new String[] {"--resume", copy.resolve("checkpoints").toString()}).outputDir);

        FileTime original = Files.getLastModifiedTime(tmp.resolve("part/params.bin"));
        String out = resume("--resume", copy.toString());
        assertTrue(out.contains("resume: from " + copy.resolve("checkpoints/epoch-000002")), out);
        assertTrue(out.contains("model saved to " + copy), out);
        assertArrayEquals(bits(params(tmp.resolve("full"))), bits(params(copy)));
        assertEquals(4, MetricsLog.read(copy.toString(), CONF).size());
        assertEquals("epoch-000004", Files.readString(copy.resolve("checkpoints/latest")).strip());
        assertTrue(Files.exists(copy.resolve("report.html")));
        assertEquals(original, Files.getLastModifiedTime(tmp.resolve("part/params.bin")), "the original run is not written to");
    }

    @Test
    void truncatedLatestIsRefusedAndThePreviousCheckpointContinuesExactly() throws IOException {
        Path run = copyOf("part", "truncated");
        Path bin = run.resolve("checkpoints/epoch-000004/tensors.bin");
        long len = Files.size(bin);
        try (RandomAccessFile f = new RandomAccessFile(bin.toFile(), "rw")) {
            f.setLength(len / 2);
        }
        String out = resume(job.toString(), "output.dir=" + run, "resume=" + run);
        assertTrue(out.contains("resume: refused checkpoint " + run.resolve("checkpoints/epoch-000004") + ": tensors.bin has "
                + len / 2 + " bytes, expected " + len + " (truncated or overwritten)"), out);
        assertTrue(out.contains("resume: from " + run.resolve("checkpoints/epoch-000003") + " (epoch 3, step " + full.get(2).steps() + ")"), out);
        assertArrayEquals(bits(params(tmp.resolve("full"))), bits(params(run)), "epoch 4 redone from epoch 3's checkpoint");
        assertEquals("epoch-000004", Files.readString(run.resolve("checkpoints/latest")).strip());
    }

    @Test
    void checkpointOfAnotherModelIsRefusedAndThePreviousOneIsUsed() throws IOException {
        Path run = copyOf("part", "foreign");
        Optimizer other = Optimizers.create("AdamW", new Options("t", Map.of()), GroupSpec.all(43));
        Checkpoints.write(run.resolve("checkpoints").toString(), new Checkpoint(5, 60, "linear(6,4), relu, linear(4,3)",
                new int[] {24, 4, 12, 3}, "CrossEntropyLoss", new double[43], other.state(), null, null, null, Map.of(),
                List.of()), 5, CONF);
        String out = resume(job.toString(), "output.dir=" + run, "resume=" + run);
        assertTrue(out.contains("resume: refused checkpoint " + run.resolve("checkpoints/epoch-000005")
                + ": saved for model linear(6,4), relu, linear(4,3) (43 parameters), the job's model is "
                + "Linear(6, 16), Tanh(), Linear(16, 3) (163 parameters)"), out);
        assertTrue(out.contains("resume: from " + run.resolve("checkpoints/epoch-000004") + " (epoch 4, step " + full.get(3).steps() + ")"), out);
        assertTrue(out.contains("no epochs left"), out);
        assertArrayEquals(bits(params(tmp.resolve("full"))), bits(params(run)));

        // named explicitly, the foreign checkpoint is refused in one line, before any data is read
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> resume(job.toString(),
                "output.dir=" + tmp.resolve("unused"), "resume=" + run.resolve("checkpoints/epoch-000005")));
        assertTrue(e.getMessage().startsWith("checkpoint " + run.resolve("checkpoints/epoch-000005") + ": saved for model linear(6,4)"),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        // another optimizer: every checkpoint is refused
        e = assertThrows(SparkTrainException.class, () -> resume(job.toString(), "optimizer=SGD", "optimizer.lr=0.1",
                "output.dir=" + tmp.resolve("unused"), "resume=" + tmp.resolve("full")));
        assertTrue(e.getMessage().startsWith("resume " + tmp.resolve("full") + ": no usable checkpoint; newest: checkpoint "
                + tmp.resolve("full/checkpoints/epoch-000004") + ": saved by optimizer AdamW, the job uses SGD"), e.getMessage());
    }
}
