package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Names;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The command line, on picocli: {@code train} (the default: a job file, {@code key=value} or
 * nothing first), {@code evaluate}, {@code predict}, {@code export}, {@code report}, {@code generate}, {@code help};
 * {@code --help} and {@code --version} everywhere. Errors are one line
 * ({@code sparktrain: error: ...}, exit 2); usage errors add the command's usage line. Nothing
 * here starts Spark: help and version come back in a fraction of a second.
 */
public final class Cli {
    /** The commands, in help order. */
    static final List<String> COMMANDS = List.of("train", "evaluate", "predict", "export", "report", "generate", "help");
    private static final Set<String> TOP_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    @Command(name = "sparktrain", mixinStandardHelpOptions = true, versionProvider = Version.class,
            customSynopsis = "sparktrain [COMMAND] [ARGS ...]      (./submit.sh [spark-submit options] [COMMAND] [ARGS ...])",
            description = {"Train neural networks on Apache Spark with PyTorch's optimizers, LR schedules, clipping and losses.",
                    "When the first argument is not a command (a job file, key=value, --resume, or nothing) the command is train."},
            footer = {"", "'sparktrain help COMMAND' or 'sparktrain COMMAND --help' shows a command's options and the "
                    + "job-file keys it reads."})
    static final class Top implements Runnable {
        @Override
        public void run() {
            // never reached: route() always names a command or a top-level help/version option
        }
    }

    private Cli() {
    }

    /** Runs the command line {@code args}; returns the exit status (0, or 2 for an error or a usage error). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cl = commandLine(out, err);
        try {
            return cl.execute(route(cl, args));
        } catch (ParameterException e) {
            return usageError(e, err);
        } catch (SparkTrainException e) {
            err.println("sparktrain: error: " + e.getMessage());
            return 2;
        }
    }

    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cl = new CommandLine(new Top());
        cl.addSubcommand("train", new TrainCommand(out));
        cl.addSubcommand("evaluate", new Subcommands.EvaluateCmd(out));
        cl.addSubcommand("predict", new Subcommands.PredictCmd(out));
        cl.addSubcommand("export", new Subcommands.ExportCmd(out));
        cl.addSubcommand("report", new Subcommands.ReportCmd(out));
        cl.addSubcommand("generate", new Subcommands.GenerateCmd(out));
        cl.addSubcommand("help", new CommandLine.HelpCommand());
        footer(cl, "train", JobKeys::help);
        Supplier<String> dataKeys = () -> JobKeys.describe("Keys it reads (the model's training job's; data.KEY=VALUE "
                + "overrides them):", JobKeys.data());
        footer(cl, "evaluate", dataKeys);
        footer(cl, "predict", dataKeys);
        footer(cl, "generate", () -> "Keys: " + String.join(", ", GenerateCommand.KEYS) + " (rows, features, output required)\n");
        // set after the subcommands are added: these settings reach the subcommands only then
        cl.setExpandAtFiles(false); // an argument starting with '@' is a path, not a file of arguments
        cl.setOverwrittenOptionsAllowed(true); // the last --split wins, as before
        cl.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        cl.setUsageHelpAutoWidth(false);
        cl.setUsageHelpWidth(110);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        cl.setParameterExceptionHandler((e, args) -> usageError(e, err));
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof ParameterException p) return usageError(p, err);
            if (e instanceof SparkTrainException) {
                err.println("sparktrain: error: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return cl;
    }

    /**
     * A help section printed as is after the options (picocli would treat '%' and '@|' in a footer
     * as markup), made only when that help is shown.
     */
    private static void footer(CommandLine cl, String command, Supplier<String> text) {
        cl.getSubcommands().get(command).getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_FOOTER,
                help -> "\n" + text.get());
    }

    /**
     * Names the command: the first argument when it is one (or a top-level --help/--version),
     * else train. A bare word that is no file but close to a command name is a mistyped command.
     */
    static String[] route(CommandLine cl, String[] args) {
        if (args.length > 1 && args[0].equals("help") && !COMMANDS.contains(args[1]) && !args[1].startsWith("-")) {
            throw new ParameterException(cl.getSubcommands().get("help"), "help: unknown command '" + args[1] + "'"
                    + Names.didYouMean(args[1], COMMANDS));
        }
        if (args.length > 0 && (COMMANDS.contains(args[0]) || TOP_OPTIONS.contains(args[0]))) return args;
        if (args.length > 0 && looksLikeCommand(args[0])) {
            String near = Names.closest(args[0], COMMANDS);
            throw new ParameterException(cl, near != null
                    ? "unknown command '" + args[0] + "'; did you mean " + near + "?"
                    : "unknown command '" + args[0] + "' (and no such job file); commands: " + String.join(", ", COMMANDS));
        }
        List<String> routed = new ArrayList<>(List.of("train"));
        routed.addAll(List.of(args));
        return routed.toArray(String[]::new);
    }

    /** A bare word (no path separator, dot or '=') that names no file. */
    private static boolean looksLikeCommand(String arg) {
        if (!arg.matches("[A-Za-z][A-Za-z0-9_-]*")) return false;
        try {
            return !Files.exists(Path.of(arg));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static int usageError(ParameterException e, PrintStream err) {
        CommandLine c = e.getCommandLine();
        String msg = e.getMessage();
        if (e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            boolean option = arg.startsWith("-");
            String name = option && arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            Collection<String> known = option ? c.getCommandSpec().optionsMap().keySet() : c.getSubcommands().keySet();
            msg = (c.getParent() == null ? "" : c.getCommandName() + ": ") + "unknown " + (option ? "option" : "argument")
                    + " '" + name + "'" + Names.didYouMean(name, known);
        }
        err.println("sparktrain: error: " + msg);
        err.println("usage: " + c.getHelp().synopsis(0).strip());
        return 2;
    }
}
