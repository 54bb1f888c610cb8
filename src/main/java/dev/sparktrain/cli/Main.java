package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.nio.file.Path;

/**
 * {@code spark-submit --class dev.sparktrain.cli.Main sparktrain.jar [job-file] [key=value ...]}.
 * Without a job file the default digits job runs. With {@code generate} as the first argument it
 * writes a synthetic data set instead ({@link GenerateCommand}). Errors print one line and exit with status 2.
 */
public final class Main {
    public static final String DEFAULT_JOB = "conf/digits-mlp.conf";

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(args);
        if (status != 0) System.exit(status);
    }

    static int run(String[] args) {
        try {
            if (args.length > 0 && args[0].equals("generate")) return generate(java.util.Arrays.copyOfRange(args, 1, args.length));
            JobConfig cfg = parse(args);
            TrainJob job = new TrainJob(cfg);
            SparkConf conf = new SparkConf().setAppName("sparktrain");
            if (!conf.contains("spark.master")) conf.setMaster("local[*]");
            JavaSparkContext jsc = new JavaSparkContext(conf);
            try {
                job.run(jsc, System.out);
            } finally {
                jsc.stop();
            }
            return 0;
        } catch (SparkTrainException e) {
            System.err.println("sparktrain: error: " + e.getMessage());
            return 2;
        }
    }

    /** {@code generate key=value ...}: a synthetic data set (see {@link GenerateCommand}). */
    private static int generate(String[] args) {
        SparkConf conf = new SparkConf().setAppName("sparktrain generate");
        if (!conf.contains("spark.master")) conf.setMaster("local[*]");
        GenerateCommand cmd = new GenerateCommand(args, 0);
        JavaSparkContext jsc = new JavaSparkContext(conf);
        try {
            new GenerateCommand(args, cmd.partitions > 0 ? cmd.partitions : jsc.defaultParallelism()).run(jsc, System.out);
        } finally {
            jsc.stop();
        }
        return 0;
    }

    /** The job file (first argument without '=', default {@value #DEFAULT_JOB}) plus overrides. */
    public static JobConfig parse(String[] args) {
        String file = DEFAULT_JOB;
        int first = 0;
        if (args.length > 0 && !args[0].contains("=")) {
            file = args[0];
            first = 1;
        }
        JobFile jf = JobFile.read(Path.of(file));
        for (int i = first; i < args.length; i++) {
            if (!args[i].contains("=")) {
                throw new SparkTrainException("argument '" + args[i] + "': expected key=value (only the first argument may be a job file)");
            }
            jf.override(args[i]);
        }
        return new JobConfig(jf);
    }
}
