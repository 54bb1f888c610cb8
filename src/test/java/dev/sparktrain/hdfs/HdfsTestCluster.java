package dev.sparktrain.hdfs;

import dev.sparktrain.cli.Main;
import dev.sparktrain.cli.TrainJob;
import dev.sparktrain.minicluster.MiniHdfs;
import dev.sparktrain.store.ModelIO;
import dev.sparktrain.train.SparkTestContext;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One MiniDFSCluster (NameNode + 3 DataNodes, replication 2) shared by the hdfs tests of a JVM
 * (start-up costs seconds), stopped at exit; and the digits job those tests run, shortened.
 */
final class HdfsTestCluster {
    static final Path ROOT = Path.of(System.getProperty("project.basedir", "."));
    static final Path DIGITS = ROOT.resolve("data/digits.csv.gz");
    private static MiniHdfs hdfs;

    private HdfsTestCluster() {
    }

    static synchronized MiniHdfs get() {
        if (hdfs == null) {
            try {
                File base = ROOT.resolve("target/minidfs-" + ProcessHandle.current().pid()).toFile();
                hdfs = new MiniHdfs(base, 3, 2, 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(hdfs::close));
            // replication and block size are the writer's choice: the jobs write as the cluster says
            SparkTestContext.get().hadoopConfiguration().set("dfs.replication", hdfs.conf().get("dfs.replication"));
            SparkTestContext.get().hadoopConfiguration().set("dfs.blocksize", hdfs.conf().get("dfs.blocksize"));
        }
        return hdfs;
    }

    /**
     * The default digits job (conf/digits-mlp.conf) cut to {@code epochs} epochs with a checkpoint
     * after each, on {@code data} into {@code out}, then {@code more} overrides.
     */
    static String[] digitsJob(String data, String out, int epochs, String... more) {
        List<String> a = new ArrayList<>(List.of(ROOT.resolve("conf/digits-mlp.conf").toString(), "data.path=" + data,
                "output.dir=" + out, "train.epochs=" + epochs, "checkpoint.every=1", "checkpoint.keep=3"));
        a.addAll(Arrays.asList(more));
        return a.toArray(String[]::new);
    }

    /** Runs {@code job} (with its listeners) on the shared local Spark context; returns what it printed. */
    static String run(TrainJob job) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        job.run(SparkTestContext.get(), new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    static String run(String... args) {
        return run(new TrainJob(Main.parse(args)));
    }

    /** The raw bits of a saved model's weights (any file system). */
    static long[] params(String dir) {
        return Arrays.stream(ModelIO.load(dir, SparkTestContext.get().hadoopConfiguration()).params())
                .mapToLong(Double::doubleToRawLongBits).toArray();
    }
}
