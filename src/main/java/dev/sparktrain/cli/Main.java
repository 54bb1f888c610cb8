package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code spark-submit --class dev.sparktrain.cli.Main sparktrain.jar [train] [job-file] [key=value ...] [--resume dir]}.
 * Without a job file the default digits job runs. A first word {@code evaluate}, {@code predict},
 * {@code report}, {@code generate} or {@code help} runs that command instead ({@link Cli}).
 * Errors print one line and exit with status 2.
 */
public final class Main {
    public static final String DEFAULT_JOB = "conf/digits-mlp.conf";

    private Main() {
    }

    public static void main(String[] args) {
        int status = run(args);
        if (status != 0) System.exit(status);
    }

    /** Runs the command line (see {@link Cli}); returns the exit status. */
    static int run(String[] args) {
        return Cli.run(args, System.out, System.err);
    }

    /** {@code train}: the job {@link #parse} makes of {@code args}, checked before Spark starts, then run. */
    static int train(String[] args, PrintStream out) {
        JobConfig cfg = parse(args);
        TrainJob job = new TrainJob(cfg);
        JavaSparkContext jsc = startSpark();
        try {
            job.run(jsc, out);
        } finally {
            jsc.stop();
        }
        return 0;
    }

    /** {@code generate key=value ...}: a synthetic data set (see {@link GenerateCommand}). */
    static int generate(String[] args, PrintStream out) {
        GenerateCommand cmd = new GenerateCommand(args, 0);
        JavaSparkContext jsc = startSpark();
        try {
            new GenerateCommand(args, cmd.partitions > 0 ? cmd.partitions : jsc.defaultParallelism()).run(jsc, out);
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
        boolean fromCheckpoint = file == null && resume != null;
        if (fromCheckpoint) {
            java.util.Map<String, String> saved = dev.sparktrain.store.Checkpoints.resume(resume, hadoopConf(),
                    dev.sparktrain.store.Checkpoint::job, msg -> { }).accepted();
            jf = JobFile.of(saved, "checkpoint " + resume);
        } else {
            jf = JobFile.read(Path.of(file == null ? DEFAULT_JOB : file));
        }
        java.util.Set<String> given = new java.util.HashSet<>(fromCheckpoint ? java.util.Set.of() : jf.values().keySet());
        for (int i = first; i < rest.size(); i++) {
            if (!rest.get(i).contains("=")) {
                throw new SparkTrainException("argument '" + rest.get(i) + "': expected key=value (only the first argument may be a job file)");
            }
            jf.override(rest.get(i));
            given.add(rest.get(i).substring(0, rest.get(i).indexOf('=')).strip());
        }
        if (resume != null) jf.override("resume=" + resume);
        String resumeDir = jf.values().get("resume");
        if (resumeDir != null && !given.contains("output.dir")) continueIn(jf, resumeDir, given);
        return new JobConfig(jf);
    }

    /**
     * Resuming a run's output directory continues in that directory (its checkpoints, model,
     * metrics and report), not in the output.dir its saved job names: a copy of a run resumes
     * into the copy. A checkpoint directory or one checkpoint leaves output.dir as it is.
     */
    private static void continueIn(JobFile jf, String resume, java.util.Set<String> given) {
        if (!Resume.isRunDirectory(resume, hadoopConf())) return;
        jf.set("output.dir", resume, "--resume " + resume);
        if (!given.contains("checkpoint.dir")) jf.remove("checkpoint.dir"); // the run's own: <output.dir>/checkpoints
    }
}
