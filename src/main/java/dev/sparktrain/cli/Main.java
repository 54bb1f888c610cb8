package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.nio.file.Path;

/**
 * {@code spark-submit --class dev.sparktrain.cli.Main sparktrain.jar [train] [job-file] [key=value ...] [--resume dir]}.
 * Without a job file the default digits job runs. A first word {@code report}, {@code evaluate}
 * or {@code predict} runs that command instead ({@link Commands}); {@code generate} writes a
 * synthetic data set ({@link GenerateCommand}). Errors print one line and exit with status 2.
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
            if (args.length > 0 && Commands.NAMES.contains(args[0])) return Commands.run(args, System.out);
            if (args.length > 0 && args[0].equals("train")) args = java.util.Arrays.copyOfRange(args, 1, args.length);
            JobConfig cfg = parse(args);
            TrainJob job = new TrainJob(cfg);
            JavaSparkContext jsc = startSpark();
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
        GenerateCommand cmd = new GenerateCommand(args, 0);
        JavaSparkContext jsc = startSpark();
        try {
            new GenerateCommand(args, cmd.partitions > 0 ? cmd.partitions : jsc.defaultParallelism()).run(jsc, System.out);
        } finally {
            jsc.stop();
        }
        return 0;
    }

    /** The Spark context of a command run from the command line ({@code local[*]} unless a master is set). */
    static JavaSparkContext startSpark() {
        SparkConf conf = new SparkConf().setAppName("sparktrain");
        if (!conf.contains("spark.master")) conf.setMaster("local[*]");
        return new JavaSparkContext(conf);
    }

    /** A Hadoop configuration before Spark starts: the defaults plus any {@code spark.hadoop.*} settings. */
    static org.apache.hadoop.conf.Configuration hadoopConf() {
        org.apache.hadoop.conf.Configuration c = new org.apache.hadoop.conf.Configuration();
        for (scala.Tuple2<String, String> kv : new SparkConf().getAll()) {
            if (kv._1().startsWith("spark.hadoop.")) c.set(kv._1().substring("spark.hadoop.".length()), kv._2());
        }
        return c;
    }

    /**
     * The job file (first argument without '=', default {@value #DEFAULT_JOB}) plus overrides.
     * {@code --resume <dir>} continues from the latest good checkpoint in {@code dir} (a run's
     * output directory, its checkpoint directory, or one checkpoint); without a job file the job
     * is the one saved in that checkpoint.
     */
    public static JobConfig parse(String[] args) {
        java.util.List<String> rest = new java.util.ArrayList<>();
        String resume = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--resume")) {
                if (i + 1 >= args.length) throw new SparkTrainException("--resume needs a directory");
                resume = args[++i];
            } else if (args[i].startsWith("--resume=")) {
                resume = args[i].substring("--resume=".length());
            } else {
                rest.add(args[i]);
            }
        }
        String file = null;
        int first = 0;
        if (!rest.isEmpty() && !rest.get(0).contains("=")) {
            file = rest.get(0);
            first = 1;
        }
        JobFile jf;
        if (file == null && resume != null) {
            java.util.Map<String, String> saved = dev.sparktrain.store.Checkpoints.resume(resume, hadoopConf(),
                    dev.sparktrain.store.Checkpoint::job, msg -> { }).accepted();
            jf = JobFile.of(saved, "checkpoint " + resume);
        } else {
            jf = JobFile.read(Path.of(file == null ? DEFAULT_JOB : file));
        }
        for (int i = first; i < rest.size(); i++) {
            if (!rest.get(i).contains("=")) {
                throw new SparkTrainException("argument '" + rest.get(i) + "': expected key=value (only the first argument may be a job file)");
            }
            jf.override(rest.get(i));
        }
        if (resume != null) jf.override("resume=" + resume);
        return new JobConfig(jf);
    }
}
