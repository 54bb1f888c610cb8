package dev.sparktrain.hdfs;

import dev.sparktrain.config.Options;
import dev.sparktrain.minicluster.MiniHdfs;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.store.Checkpoint;
import dev.sparktrain.store.Checkpoints;
import dev.sparktrain.train.SparkTestContext;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static dev.sparktrain.hdfs.HdfsTestCluster.DIGITS;
import static dev.sparktrain.hdfs.HdfsTestCluster.digitsJob;
import static dev.sparktrain.hdfs.HdfsTestCluster.params;
import static dev.sparktrain.hdfs.HdfsTestCluster.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoints on HDFS semantics (MiniDFSCluster): there a rename onto an existing file fails and
 * a rename onto an existing directory moves the source inside it, unlike POSIX; the write
 * protocol (temporary directory, rename, replace {@code latest}, prune) still leaves exactly the
 * checkpoints it names. A checkpoint half-written on HDFS (its writer killed between the files)
 * is refused and the previous one resumed, ending bit-identical to an uninterrupted run.
 */
class HdfsCheckpointTest {
    static MiniHdfs hdfs;
    static FileSystem fs;
    static Configuration conf;

    @BeforeAll
    static void cluster() throws IOException {
        hdfs = HdfsTestCluster.get();
        fs = hdfs.fs();
        conf = SparkTestContext.get().hadoopConfiguration();
    }

    /** A small checkpoint of epoch {@code epoch} whose weights are all {@code w}. */
    static Checkpoint checkpoint(int epoch, double w) {
        double[] params = new double[43];
        Arrays.fill(params, w);
        return new Checkpoint(epoch, 10L * epoch, "linear(6,4), relu, linear(4,3)", new int[] {24, 4, 12, 3}, "CrossEntropyLoss",
                params, Optimizers.create("AdamW", new Options("t", Map.of()), GroupSpec.all(43)).state(), null, null, null,
                Map.of(), List.of());
    }

    static String latest(String dir) throws IOException {
        try (var in = fs.open(new Path(dir, Checkpoints.LATEST))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }

    static TreeSet<String> names(String dir) throws IOException {
        TreeSet<String> n = new TreeSet<>();
        for (FileStatus s : fs.listStatus(new Path(dir))) n.add(s.getPath().getName());
        return n;
    }

    @Test
    void hdfsRenameIsNotPosixRename() throws IOException {
        String d = hdfs.uri() + "/semantics";
        Path a = new Path(d, "a");
        Path b = new Path(d, "b");
        try (var out = fs.create(a)) {
            out.write(1);
        }
        try (var out = fs.create(b)) {
            out.write(2);
        }
        assertFalse(fs.rename(a, b), "HDFS refuses a rename onto an existing file (POSIX would replace it)");
        fs.mkdirs(new Path(d, "dirA"));
        fs.mkdirs(new Path(d, "dirB"));
        assertTrue(fs.rename(new Path(d, "dirA"), new Path(d, "dirB")));
        assertTrue(fs.exists(new Path(d, "dirB/dirA")), "a directory renamed onto an existing one lands inside it");
    }

    @Test
    void theWriteProtocolLeavesExactlyTheCheckpointsLatestNames() throws IOException {
        String dir = hdfs.uri() + "/protocol/checkpoints";
        for (int e = 1; e <= 4; e++) {
            String where = Checkpoints.write(dir, checkpoint(e, e), 2, conf);
            assertEquals(dir + "/" + Checkpoints.name(e), where);
            assertEquals(Checkpoints.name(e), latest(dir), "latest replaced although HDFS cannot rename onto it");
            TreeSet<String> expected = new TreeSet<>(List.of(Checkpoints.LATEST, Checkpoints.name(e)));
            if (e > 1) expected.add(Checkpoints.name(e - 1));
            assertEquals(expected, names(dir), "kept 2, no temporary directory or pointer left");
        }
        // the same epoch written again (a run resumed before it): replaced, not nested inside the old one
        Checkpoints.write(dir, checkpoint(4, 40), 2, conf);
        assertEquals(new TreeSet<>(List.of(Checkpoints.HEADER, Checkpoints.BLOBS)), names(dir + "/epoch-000004"));
        assertEquals(40.0, Checkpoints.read(dir + "/epoch-000004", conf).params()[0]);
        // epochs after the current one belong to an abandoned run: deleted by the next write
        Checkpoints.write(dir, checkpoint(2, 20), 2, conf);
        assertEquals(new TreeSet<>(List.of(Checkpoints.LATEST, "epoch-000002")), names(dir));
        assertEquals("epoch-000002", latest(dir));
    }

    @Test
    void aMissingOrDanglingLatestFallsBackToTheNewestCheckpoint() throws IOException {
        String dir = hdfs.uri() + "/dangling/checkpoints";
        for (int e = 1; e <= 3; e++) Checkpoints.write(dir, checkpoint(e, e), 3, conf);
        fs.delete(new Path(dir, Checkpoints.LATEST), false); // a reader between the writer's delete and rename
        assertEquals(dir + "/epoch-000003", Checkpoints.resume(dir, conf, c -> c, w -> { }).dir());
        try (var out = fs.create(new Path(dir, Checkpoints.LATEST))) {
            out.write("epoch-000009\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(dir + "/epoch-000003", Checkpoints.resume(dir, conf, c -> c, w -> { }).dir());
    }

    @Test
    void aCheckpointHalfWrittenOnHdfsIsRefusedAndThePreviousOneResumesBitIdentical() throws IOException {
        String data = hdfs.put(DIGITS, "/halfwritten/digits.csv.gz");
        String full = hdfs.uri() + "/halfwritten/full";
        run(digitsJob(data, full, 4));
        // the run cut after epoch 3, then epoch 4's checkpoint half-written in the two ways a writer killed
        // between its files leaves it: (a) the protocol's own temporary directory, tensors.bin only;
        // (b) a checkpoint directory without checkpoint.json, named by latest (a copy made without the
        // protocol, e.g. an interrupted `hdfs dfs -cp`)
        String cut = hdfs.uri() + "/halfwritten/cut";
        run(digitsJob(data, cut, 3));
        String ck = cut + "/checkpoints";
        assertTrue(FileUtil.copy(fs, new Path(full + "/checkpoints/epoch-000004/tensors.bin"), fs,
                new Path(ck + "/.tmp-epoch-000004-0badc0de/tensors.bin"), false, conf));
        String resumedA = run("--resume", cut, "train.epochs=4", "output.dir=" + cut);
        assertTrue(resumedA.contains("resume: from " + ck + "/epoch-000003 (epoch 3, "), resumedA);
        assertFalse(names(ck).stream().anyMatch(n -> n.startsWith(".tmp-")), "the leftovers are deleted: " + names(ck));
        assertArrayEquals(params(full), params(cut));

        List<String> before = new ArrayList<>(names(ck));
        fs.delete(new Path(ck + "/epoch-000004/" + Checkpoints.HEADER), false);
        assertEquals("epoch-000004", latest(ck));
        fs.delete(new Path(cut, "model.json"), false);
        String resumedB = run("--resume", cut, "train.epochs=4");
        assertTrue(resumedB.contains("resume: refused checkpoint " + ck + "/epoch-000004: "), resumedB);
        assertTrue(resumedB.contains("resume: from " + ck + "/epoch-000003 (epoch 3, "), resumedB);
        assertArrayEquals(params(full), params(cut), "epoch 4 redone from epoch 3's checkpoint");
        assertEquals(before, new ArrayList<>(names(ck)), "epoch 4's checkpoint written whole again");
        assertTrue(names(ck + "/epoch-000004").contains(Checkpoints.HEADER));
    }
}
