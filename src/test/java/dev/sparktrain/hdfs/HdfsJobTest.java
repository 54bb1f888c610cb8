package dev.sparktrain.hdfs;

import dev.sparktrain.cli.Main;
import dev.sparktrain.cli.TrainJob;
import dev.sparktrain.minicluster.MiniHdfs;
import dev.sparktrain.store.MetricsLog;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.SparkTestContext;
import dev.sparktrain.train.TrainListener;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static dev.sparktrain.hdfs.HdfsTestCluster.DIGITS;
import static dev.sparktrain.hdfs.HdfsTestCluster.digitsJob;
import static dev.sparktrain.hdfs.HdfsTestCluster.params;
import static dev.sparktrain.hdfs.HdfsTestCluster.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The digits job (4 epochs) on a real HDFS (MiniDFSCluster: 3 DataNodes, replication 2): its data
 * read from hdfs:// as csv and as parquet, its checkpoints, metrics, model and report written to
 * hdfs://, and resumed from there, each ending with the same weights, to the bit, as the same job
 * on the local disk; and a DataNode stopped in the middle of a run changes nothing.
 */
class HdfsJobTest {
    static final int EPOCHS = 4;
    @TempDir
    static java.nio.file.Path tmp;
    static MiniHdfs hdfs;
    static String csv;
    static long[] reference;

    @BeforeAll
    static void dataOnHdfsAndTheLocalReference() throws IOException {
        hdfs = HdfsTestCluster.get();
        csv = hdfs.put(DIGITS, "/jobtest/digits.csv.gz");
        FileSystem fs = hdfs.fs();
        var blocks = fs.getFileBlockLocations(fs.getFileStatus(new Path(csv)), 0, Long.MAX_VALUE);
        assertTrue(blocks.length > 1, "the data spans blocks");
        for (var b : blocks) assertEquals(2, b.getNames().length, "replicas of " + b);
        String local = tmp.resolve("local").toString();
        run(digitsJob(DIGITS.toString(), local, EPOCHS));
        reference = params(local);
    }

    static String out(String name) {
        return hdfs.uri() + "/jobtest/runs/" + name;
    }

    /** A run's outputs as a job on the local disk has them, on HDFS. */
    static void assertCompleteRun(String dir) throws IOException {
        FileSystem fs = hdfs.fs();
        for (String f : new String[] {"model.json", "params.bin", "metrics.jsonl", "metrics.csv", "report.html", "report.png"}) {
            assertTrue(fs.getFileStatus(new Path(dir, f)).getLen() > 0, dir + "/" + f);
            assertEquals(2, fs.getFileStatus(new Path(dir, f)).getReplication(), dir + "/" + f);
        }
        try (var in = fs.open(new Path(dir, "checkpoints/latest"))) {
            assertEquals("epoch-00000" + EPOCHS, new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
        }
        assertEquals(EPOCHS, MetricsLog.read(dir, SparkTestContext.get().hadoopConfiguration()).size());
    }

    @Test
    void csvFromHdfsTrainsIntoHdfsBitIdenticalToTheLocalDisk() throws IOException {
        String dir = out("csv");
        String printed = run(digitsJob(csv, dir, EPOCHS));
        assertTrue(printed.contains("checkpoint: " + dir + "/checkpoints/epoch-000004"), printed);
        assertCompleteRun(dir);
        assertArrayEquals(reference, params(dir));
    }

    @Test
    void parquetFromHdfsTrainsBitIdenticalToTheCsv() throws IOException {
        // the same rows, in the same order, as one parquet file with columns _c0.._c63 and the label _c64
        String local = tmp.resolve("digits.parquet").toString();
        SparkSession.builder().sparkContext(SparkTestContext.get().sc()).getOrCreate().read()
                .option("inferSchema", "true").csv(DIGITS.toString()).coalesce(1).write().parquet(local);
        String parquet = hdfs.put(java.nio.file.Path.of(local), "/jobtest/digits.parquet");
        String dir = out("parquet");
        run(digitsJob(parquet, dir, EPOCHS, "data.format=parquet", "data.label_column=_c64"));
        assertCompleteRun(dir);
        assertArrayEquals(reference, params(dir));
    }

    @Test
    void aRunStoppedAfterEpoch2ResumesFromItsHdfsCheckpointBitIdentical() throws IOException {
        String dir = out("resumed");
        TrainJob killed = new TrainJob(Main.parse(digitsJob(csv, dir, EPOCHS))).listen(new TrainListener() {
            @Override
            public void afterEpoch(EpochStats s, double[] p) {
                if (s.epoch() == 2) throw new IllegalStateException("simulated kill after epoch 2");
            }
        });
        assertThrows(IllegalStateException.class, () -> run(killed));
        assertFalse(hdfs.fs().exists(new Path(dir, "model.json")));
        String printed = run("--resume", dir);
        assertTrue(printed.contains("resume: from " + dir + "/checkpoints/epoch-000002 (epoch 2, "), printed);
        assertFalse(printed.contains("epoch   1/4"), printed);
        assertCompleteRun(dir);
        assertArrayEquals(reference, params(dir));
    }

    @Test
    void aShardedRunsOwnersWriteTheirSlicesToHdfsAndItResumesOnOtherPartitionsBitIdentical() throws IOException {
        String dir = out("sharded");
        TrainJob killed = new TrainJob(Main.parse(digitsJob(csv, dir, EPOCHS, "train.sharded_optimizer=on", "data.partitions=3")))
                .listen(new TrainListener() {
                    @Override
                    public void afterEpoch(EpochStats s, double[] p) {
                        if (s.epoch() == 2) throw new IllegalStateException("simulated kill after epoch 2");
                    }
                });
        assertThrows(IllegalStateException.class, () -> run(killed));
        FileSystem fs = hdfs.fs();
        for (int k = 0; k < 3; k++) {
            Path slice = new Path(dir, "checkpoints/epoch-000002/slice-0000" + k + ".bin");
            assertTrue(fs.getFileStatus(slice).getLen() > 0, slice.toString());
            assertEquals(2, fs.getFileStatus(slice).getReplication(), "written with the job's configuration: " + slice);
        }
        String printed = run("--resume", dir, "data.partitions=4");
        assertTrue(printed.contains("resume: from " + dir + "/checkpoints/epoch-000002 (epoch 2, "), printed);
        assertCompleteRun(dir);
        assertArrayEquals(reference, params(dir));
    }

    @Test
    void aDataNodeStoppedMidRunChangesNothing() throws IOException {
        String dir = out("datanode-stopped");
        MiniDFSCluster.DataNodeProperties[] stopped = new MiniDFSCluster.DataNodeProperties[1];
        // stopped after epoch 2's checkpoint: the next checkpoints, the metrics and the model are
        // written, and the data (blocks of 16 KiB, 2 replicas each) is read again, with one DataNode of 3 gone
        TrainJob job = new TrainJob(Main.parse(digitsJob(csv, dir, EPOCHS))).listen(new TrainListener() {
            @Override
            public void afterEpoch(EpochStats s, double[] p) {
                if (s.epoch() == 2) stopped[0] = hdfs.stopDataNode(0);
            }
        });
        try {
            run(job);
            assertEquals(2, hdfs.dataNodes(), "a DataNode was stopped during the run");
            assertCompleteRun(dir);
            assertArrayEquals(reference, params(dir));
            // the data reads with the DataNode down, too: a fresh run on it
            String again = out("datanode-down-whole-run");
            run(digitsJob(csv, again, EPOCHS));
            assertArrayEquals(reference, params(again));
        } finally {
            if (stopped[0] != null) hdfs.restartDataNode(stopped[0]);
        }
    }
}
