package dev.sparktrain.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code train [--resume DIR] [job-file] [key=value ...]}: the default command (see {@link Main#parse}). */
@Command(name = "train", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
        customSynopsis = "sparktrain [train] [--resume DIR] [JOB_FILE] [KEY=VALUE ...]",
        description = {"Train the job in JOB_FILE (default " + Main.DEFAULT_JOB + "), its keys overridden by KEY=VALUE "
                + "arguments; the default command. Prints a line per epoch and ends with 'done: final train_loss ..., "
                + "val_loss ..., val_acc ...; model saved to DIR'."})
final class TrainCommand implements Callable<Integer> {
    @Option(names = "--resume", paramLabel = "DIR", description = "continue from the latest good checkpoint in DIR (a run's "
            + "output directory, its checkpoint directory or one checkpoint); without JOB_FILE the checkpoint's job is used. "
            + "A run's output directory is continued in place unless output.dir is given.")
    String resume;

    @Parameters(paramLabel = "JOB_FILE|KEY=VALUE", description = "the job file (the first argument without '='), then "
            + "overrides of its keys")
    List<String> args = new ArrayList<>();

    private final PrintStream out;

    TrainCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        List<String> a = new ArrayList<>(args);
        if (resume != null) {
            a.add("--resume");
            a.add(resume);
        }
        return Main.train(a.toArray(String[]::new), out);
    }
}
