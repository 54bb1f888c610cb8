package dev.sparktrain.cli;

import org.apache.spark.api.java.JavaSparkContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.Locale;
import java.util.Random;

/** What the end-to-end job tests share: their data, running a job for its printed output, and bit-exact comparison. */
final class JobRuns {
    private JobRuns() {
    }

    /**
     * 240 rows of 6 Gaussian features (column j has mean j, std j+1) and a label in {0, 1, 2} set by
     * thresholds on the first three, as a headerless csv with the label last.
     */
    private static void writeThreeClassCsv(Path file, long seed) throws IOException {
        Random r = new Random(seed);
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 240; i++) {
            double[] x = new double[6];
            for (int j = 0; j < 6; j++) x[j] = r.nextGaussian() * (j + 1) + j;
            int label = x[0] + 0.5 * (x[1] - 1) > 0.3 ? 0 : x[2] - 2 > 0 ? 1 : 2;
            for (double v : x) csv.append(String.format(Locale.ROOT, "%.6f,", v));
            csv.append(label).append('\n');
        }
        Files.writeString(file, csv);
    }

    /**
     * Writes {@link #writeThreeClassCsv} data (seed {@code dataSeed}) and a job on it into {@code dir}
     * and returns the job file: a quarter held out, 3 partitions, standardized, clipping at norm 1,
     * 4 epochs of batches of 16; {@code network} holds the model, optimizer and scheduler lines,
     * {@code more} the job's remaining lines.
     */
    static Path writeThreeClassJob(Path dir, long dataSeed, List<String> network, String... more) throws IOException {
        Path data = dir.resolve("data.csv");
        writeThreeClassCsv(data, dataSeed);
        List<String> lines = new ArrayList<>(List.of(
                "data.path = " + data,
                "data.features = 6", "data.classes = 3", "data.validation_fraction = 0.25", "data.partitions = 3",
                "data.standardize = true"));
        lines.addAll(network);
        lines.addAll(List.of("clip.max_norm = 1.0", "train.epochs = 4", "train.batch_size = 16"));
        lines.addAll(List.of(more));
        lines.add("");
        Path job = dir.resolve("job.conf");
        Files.writeString(job, String.join("\n", lines) + "\n");
        return job;
    }

    /** Runs the job the command line {@code args} names and returns what it printed. */
    static String output(JavaSparkContext jsc, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new TrainJob(Main.parse(args)).run(jsc, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Copies the directory tree {@code src} to {@code dst} (a run's output, to resume a copy of it). */
    static Path copyTree(Path src, Path dst) throws IOException {
        try (Stream<Path> s = Files.walk(src)) {
            for (Path p : s.toList()) {
                Path t = dst.resolve(src.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(t);
                else Files.copy(p, t);
            }
        }
        return dst;
    }

    /** A stream that drops what is printed. */
    static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** The raw bits of each value, so that assertArrayEquals compares to the bit (NaN payloads and -0.0 too). */
    static long[] bits(double[] v) {
        return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
    }
}
