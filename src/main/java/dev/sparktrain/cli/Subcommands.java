package dev.sparktrain.cli;

import dev.sparktrain.report.Report;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The commands besides training, as picocli commands: their arguments, options and help. The
 * work is in {@link Commands} (evaluate, predict) and {@link GenerateCommand}. Positional
 * arguments and {@code key=value} overrides may come in any order, as before picocli. No Spark
 * type may appear in a method signature here (lambdas included): picocli reflects over these
 * classes' methods, and help runs without Spark on the classpath.
 */
final class Subcommands {
    private Subcommands() {
    }

    /** Splits positional arguments from {@code key=value} overrides and checks the positional count. */
    private static List<String> positional(CommandSpec spec, List<String> args, List<String> overrides, int count, String what) {
        List<String> pos = new ArrayList<>();
        for (String a : args) (a.contains("=") ? overrides : pos).add(a);
        if (pos.size() != count) {
            throw new ParameterException(spec.commandLine(), spec.name() + ": expected " + what + ", got "
                    + (pos.isEmpty() ? "none" : "'" + String.join("' '", pos) + "'"));
        }
        return pos;
    }

    /** evaluate's and predict's --split: which rows of the training run's data. */
    static final class SplitOption {
        private static final List<String> SPLITS = List.of("all", "train", "validation");
        @Option(names = "--split", paramLabel = "SPLIT", defaultValue = "all",
                description = "all (default), or the training run's own train / validation rows")
        String value;

        /** The split, refused before anything is loaded unless it is all, train or validation. */
        String checked(CommandSpec spec) {
            if (!SPLITS.contains(value)) {
                throw new ParameterException(spec.commandLine(), spec.name() + ": --split: expected all, train or validation, "
                        + "got '" + value + "'" + dev.sparktrain.config.Names.didYouMean(value, SPLITS));
            }
            return value;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, versionProvider = Version.class,
            customSynopsis = "sparktrain report DIR",
            description = "(Re)write report.html and report.png of a run's output directory from its metrics.")
    static final class ReportCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "DIR", description = "a run's output directory")
        List<String> args = new ArrayList<>();
        private final PrintStream out;

        ReportCmd(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            List<String> overrides = new ArrayList<>();
            String dir = positional(spec, args, overrides, 1, "one output directory").get(0);
            if (!overrides.isEmpty()) throw new ParameterException(spec.commandLine(), "report: takes no key=value arguments");
            Report.Written w = Report.write(dir, Main.hadoopConf());
            out.println("report: " + w.html() + (w.png() == null ? " (no PNG: " + w.pngProblem() + ")" : ", " + w.png()));
            return 0;
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            customSynopsis = "sparktrain evaluate MODEL_DIR [--split all|train|validation] [--json FILE] [data.KEY=VALUE ...]",
            description = {"Loss, accuracy, per-class precision/recall and the confusion matrix (RMSE and MAE for "
                    + "regression) of a saved model on data read as its training job read it (its data.* keys, overridable)."})
    static final class EvaluateCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Mixin
        SplitOption split;
        @Option(names = "--json", paramLabel = "FILE", description = "also write the figures as JSON (any Hadoop path)")
        String json;
        @Parameters(paramLabel = "MODEL_DIR|data.KEY=VALUE", description = "the model's directory, then data.* overrides")
        List<String> args = new ArrayList<>();
        private final PrintStream out;

        EvaluateCmd(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            List<String> overrides = new ArrayList<>();
            String dir = positional(spec, args, overrides, 1, "one model directory").get(0);
            Commands.evaluate(dir, split.checked(spec), json, overrides, out);
            return 0;
        }
    }

    @Command(name = "predict", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            customSynopsis = "sparktrain predict MODEL_DIR OUTPUT [--format parquet|csv] [--split all|train|validation] "
                    + "[data.KEY=VALUE ...]",
            description = {"Write a saved model's predictions for its data (read as its training job read it), one row per "
                    + "data row: row, label, prediction and probability_0..k-1 (or the predicted value for regression)."})
    static final class PredictCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--format", paramLabel = "FORMAT", description = "parquet or csv (default: by OUTPUT's ending, else parquet)")
        String format;
        @Mixin
        SplitOption split;
        @Parameters(paramLabel = "MODEL_DIR OUTPUT|data.KEY=VALUE", description = "the model's directory, the output path "
                + "(any Hadoop path), then data.* overrides")
        List<String> args = new ArrayList<>();
        private final PrintStream out;

        PredictCmd(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            List<String> overrides = new ArrayList<>();
            List<String> pos = positional(spec, args, overrides, 2, "a model directory and an output path");
            Commands.predict(pos.get(0), pos.get(1), format != null ? format : Commands.formatOf(pos.get(1)), split.checked(spec),
                    overrides, out);
            return 0;
        }
    }

    @Command(name = "export", mixinStandardHelpOptions = true, versionProvider = Version.class, sortOptions = false,
            customSynopsis = "sparktrain export MODEL_DIR OUTPUT [--format safetensors|onnx] [--dtype float64|float32] "
                    + "[--probabilities]",
            description = {"Write a saved model for PyTorch or a serving runtime: its weights as safetensors with "
                    + "nn.Sequential's state_dict keys (model.load_state_dict(safetensors.torch.load_file(OUTPUT))), or the "
                    + "network as ONNX (opset " + dev.sparktrain.store.OnnxExport.OPSET + ", the saved standardization as its "
                    + "first nodes, a dynamic batch dimension). No Spark is started."})
    static final class ExportCmd implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--format", paramLabel = "FORMAT", description = "safetensors or onnx (default: onnx when OUTPUT ends "
                + "in .onnx, else safetensors)")
        String format;
        @Option(names = "--dtype", paramLabel = "DTYPE", defaultValue = "float64",
                description = "float64 (default: what sparktrain trains in) or float32")
        String dtype;
        @Option(names = "--probabilities", description = "onnx: also an output 'probabilities' (softmax over the classes, or "
                + "the sigmoid of a single logit)")
        boolean probabilities;
        @Parameters(paramLabel = "MODEL_DIR OUTPUT", description = "the model's directory and the file to write (any Hadoop path)")
        List<String> args = new ArrayList<>();
        private final PrintStream out;

        ExportCmd(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            List<String> overrides = new ArrayList<>();
            List<String> pos = positional(spec, args, overrides, 2, "a model directory and an output file");
            if (!overrides.isEmpty()) throw new ParameterException(spec.commandLine(), "export: takes no key=value arguments");
            Commands.export(pos.get(0), pos.get(1), format, dtype, probabilities, out);
            return 0;
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true, versionProvider = Version.class,
            customSynopsis = "sparktrain generate KEY=VALUE ...",
            description = {"Write a deterministic synthetic data set with Spark, each partition making its own rows; prints "
                    + "the data.* keys to train on it."})
    static final class GenerateCmd implements Callable<Integer> {
        @Parameters(paramLabel = "KEY=VALUE", description = "e.g. rows=100000 features=100 classes=2 format=parquet output=/tmp/x")
        List<String> args = new ArrayList<>();
        private final PrintStream out;

        GenerateCmd(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            return Main.generate(args.toArray(String[]::new), out);
        }
    }
}
