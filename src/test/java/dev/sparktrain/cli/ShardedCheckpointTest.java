package dev.sparktrain.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.SparkTestContext;
import dev.sparktrain.train.TrainListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14: a sharded run's checkpoints are written by the slices' owners (one file per slice, no
 * parameter or optimizer-state array in tensors.bin), and resume on any shape. The digits job
 * (Adam, clip_grad_norm_, cosine schedule), sharded on 3 partitions with a checkpoint every
 * epoch, stopped after epoch 2 of 3, resumed sharded on 4 partitions and unsharded, ends with the
 * params.bin of the uninterrupted unsharded run; a damaged slice file makes the resume fall back
 * to epoch 1's checkpoint, with the same end bits.
 */
class ShardedCheckpointTest {
    @TempDir
    static Path tmp;
    /** The last Spark job of each epoch of the stopped run, as its listeners see it after the checkpoint. */
    static final List<String> lastJobs = new ArrayList<>();

    static List<String> args(String output, String... more) {
        List<String> a = new ArrayList<>(List.of("conf/digits-mlp.conf", "output.dir=" + tmp.resolve(output),
                "train.epochs=3", "train.batch_size=256", "checkpoint.every=1", "checkpoint.keep=3"));
        a.addAll(List.of(more));
        return a;
    }

    @BeforeAll
    static void wholeAndStoppedRuns() {
        JobRuns.output(SparkTestContext.get(), args("whole", "train.sharded_optimizer=off").toArray(new String[0]));
        TrainJob killed = new TrainJob(Main.parse(args("cut", "train.sharded_optimizer=on", "data.partitions=3")
                .toArray(new String[0])));
        killed.listen(new TrainListener() {
            @Override
            public void afterEpoch(EpochStats s, double[] p) {
                lastJobs.add(SparkTestContext.get().getLocalProperty("spark.job.description"));
                if (s.epoch() == 2) throw new IllegalStateException("simulated kill after epoch 2");
            }
        });
        assertEquals("simulated kill after epoch 2",
                assertThrows(IllegalStateException.class, () -> killed.run(SparkTestContext.get(), JobRuns.quiet())).getMessage());
    }

    static String sha(String run) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                Files.readAllBytes(tmp.resolve(run).resolve("params.bin"))));
    }

    /** The stopped run, copied (each resume continues its own copy in place). */
    static Path copy(String as) throws IOException {
        return JobRuns.copyTree(tmp.resolve("cut"), tmp.resolve(as));
    }

    static String resume(Path run, String... more) {
        List<String> a = new ArrayList<>(List.of("--resume", run.toString()));
        a.addAll(List.of(more));
        return JobRuns.output(SparkTestContext.get(), a.toArray(new String[0]));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theOwnersWroteOneFilePerSliceAndTheDriverNoArrayOfTheModelsSize() throws IOException {
        // after validation the only job of each epoch was the owners' write: the parameters were never collected
        assertEquals(List.of("sparktrain epoch 1 checkpoint (owners write their slices)",
                "sparktrain epoch 2 checkpoint (owners write their slices)"), lastJobs);
        Path d = tmp.resolve("cut/checkpoints/epoch-000002");
        Map<String, Object> h = new ObjectMapper().readValue(d.resolve("checkpoint.json").toFile(), Map.class);
        assertEquals(2, h.get("version"));
        List<Map<String, Object>> files = (List<Map<String, Object>>) h.get("files");
        assertEquals(3, files.size(), "3 partitions, 3 slices: " + files);
        int paramCount = (Integer) h.get("param_count");
        assertEquals(64 * 128 + 128 + 128 * 10 + 10, paramCount);
        int at = 0;
        for (int k = 0; k < files.size(); k++) {
            Map<String, Object> f = files.get(k);
            assertEquals(String.format("slice-%05d.bin", k), f.get("name"));
            assertEquals(at, f.get("from"));
            int len = (Integer) f.get("to") - at;
            // Adam: the slice's params, exp_avg and exp_avg_sq
            assertEquals(((Number) f.get("bytes")).longValue(), 3L * 8 * len);
            assertEquals(3L * 8 * len, Files.size(d.resolve((String) f.get("name"))));
            at += len;
        }
        assertEquals(paramCount, at);
        // tensors.bin: the driver's small arrays only (Adam's betas, the scheduler's lr lists, the standardization)
        long driverValues = 0;
        List<String> driverBlobs = new ArrayList<>();
        for (Map<String, Object> b : (List<Map<String, Object>>) h.get("blobs")) {
            if (b.containsKey("file")) continue;
            driverBlobs.add((String) b.get("name"));
            driverValues += (Integer) b.get("count");
        }
        assertEquals(8 * driverValues, Files.size(d.resolve("tensors.bin")));
        assertTrue(driverBlobs.stream().allMatch(n -> n.startsWith("optimizer.param_groups") || n.startsWith("scheduler")
                || n.startsWith("data.standardize")) && driverValues == 2 * 64 + 4, driverValues + " values: " + driverBlobs);
        try (Stream<Path> s = Files.list(d)) {
            assertEquals(List.of("checkpoint.json", "slice-00000.bin", "slice-00001.bin", "slice-00002.bin", "tensors.bin"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    /** Resumes a copy of the stopped run from epoch 2's checkpoint; returns the header of the checkpoint it wrote after epoch 3. */
    static Map<?, ?> resumedFromEpochTwoToTheSameBits(String as, String... shape) throws Exception {
        Path run = copy(as);
        String out = resume(run, shape);
        assertTrue(out.contains("resume: from " + run.resolve("checkpoints/epoch-000002")), out);
        assertEquals(sha("whole"), sha(as), "resumed vs the uninterrupted unsharded run");
        return new ObjectMapper().readValue(run.resolve("checkpoints/epoch-000003/checkpoint.json").toFile(), Map.class);
    }

    @Test
    void resumedShardedOnFourPartitionsEndsWithTheUninterruptedRunsParamsBin() throws Exception {
        Map<?, ?> h = resumedFromEpochTwoToTheSameBits("on4", "data.partitions=4", "train.sharded_optimizer=on");
        assertEquals(4, ((List<?>) h.get("files")).size(), "the resumed run's owners: 4 slices");
    }

    @Test
    void resumedUnshardedEndsWithTheUninterruptedRunsParamsBin() throws Exception {
        Map<?, ?> h = resumedFromEpochTwoToTheSameBits("off", "data.partitions=2", "train.sharded_optimizer=off");
        assertEquals(1, h.get("version"), "an unsharded run writes version 1");
    }

    @Test
    void aCorruptSliceFileIsRefusedAndEpochOnesCheckpointGivesTheSameEndBits() throws Exception {
        Path run = copy("flipped");
        Path slice = run.resolve("checkpoints/epoch-000002/slice-00001.bin");
        try (RandomAccessFile f = new RandomAccessFile(slice.toFile(), "rw")) {
            f.seek(1000);
            int b = f.read();
            f.seek(1000);
            f.write(b ^ 0x01);
        }
        String out = resume(run, "data.partitions=3", "train.sharded_optimizer=on");
        assertTrue(out.contains("resume: refused checkpoint " + run.resolve("checkpoints/epoch-000002")
                + ": blob 'params' in slice-00001.bin fails its SHA-256 check (corrupt file)"), out);
        assertTrue(out.contains("resume: from " + run.resolve("checkpoints/epoch-000001")), out);
        assertEquals(sha("whole"), sha("flipped"));
    }

    @Test
    void aTruncatedSliceFileIsRefusedAndEpochOnesCheckpointGivesTheSameEndBits() throws Exception {
        Path run = copy("truncated");
        Path slice = run.resolve("checkpoints/epoch-000002/slice-00002.bin");
        long len = Files.size(slice);
        try (RandomAccessFile f = new RandomAccessFile(slice.toFile(), "rw")) {
            f.setLength(len - 5);
        }
        String out = resume(run, "data.partitions=2", "train.sharded_optimizer=off");
        assertTrue(out.contains("resume: refused checkpoint " + run.resolve("checkpoints/epoch-000002") + ": slice-00002.bin has "
                + (len - 5) + " bytes, expected " + len + " (truncated or overwritten)"), out);
        assertTrue(out.contains("resume: from " + run.resolve("checkpoints/epoch-000001")), out);
        assertEquals(sha("whole"), sha("truncated"));
        assertNotEquals(sha("whole"), "", "real bits");
    }
}
