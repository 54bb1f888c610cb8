package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Names;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.util.List;

import static dev.sparktrain.cli.CliHelpTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line's forms, parsed without running anything: today's forms route and parse as
 * before; mistyped keys, commands and options are refused in one line with a suggestion; usage
 * errors exit 2 with the usage line.
 */
class CliParseTest {
    private static final PrintStream NOWHERE = new PrintStream(new ByteArrayOutputStream());

    private static String[] route(String... args) {
        return Cli.route(Cli.commandLine(NOWHERE, NOWHERE), args);
    }

    /** The command object picocli filled from {@code args} (routed as {@link Cli#run} routes them). */
    @SuppressWarnings("unchecked")
    private static <T> T parsed(String... args) {
        CommandLine cl = Cli.commandLine(NOWHERE, NOWHERE);
        ParseResult r = cl.parseArgs(Cli.route(cl, args));
        return (T) r.subcommand().commandSpec().userObject();
    }

    @Test
    void withoutACommandTheJobIsTrained() {
        assertArrayEquals(new String[] {"train"}, route());
        assertArrayEquals(new String[] {"train", "conf/digits-mlp.conf", "optimizer.lr=0.1"}, route("conf/digits-mlp.conf", "optimizer.lr=0.1"));
        assertArrayEquals(new String[] {"train", "train.epochs=3"}, route("train.epochs=3"));
        assertArrayEquals(new String[] {"train", "--resume", "runs/x"}, route("--resume", "runs/x"));
        assertArrayEquals(new String[] {"train", "a.conf"}, route("train", "a.conf"));
        assertArrayEquals(new String[] {"evaluate", "runs/x"}, route("evaluate", "runs/x"));

        TrainCommand t = parsed("conf/digits-mlp.conf", "train.epochs=3", "--resume", "runs/x");
        assertEquals(List.of("conf/digits-mlp.conf", "train.epochs=3"), t.args);
        assertEquals("runs/x", t.resume);
        t = parsed("--resume=runs/y", "optimizer.lr=0.5");
        assertEquals("runs/y", t.resume);
        assertEquals(List.of("optimizer.lr=0.5"), t.args);
        t = parsed();
        assertEquals(List.of(), t.args);
        assertNull(t.resume);
    }

    @Test
    void evaluatePredictGenerateAndReportParseTheirFormsInAnyOrder() {
        Subcommands.EvaluateCmd e = parsed("evaluate", "runs/x", "--split", "validation", "data.path=/new.csv", "--json", "e.json");
        assertEquals(List.of("runs/x", "data.path=/new.csv"), e.args);
        assertEquals("validation", e.split.value);
        assertEquals("e.json", e.json);
        e = parsed("evaluate", "--split=train", "runs/x");
        assertEquals("train", e.split.value);
        assertEquals("all", ((Subcommands.EvaluateCmd) parsed("evaluate", "runs/x")).split.value);
        Subcommands.PredictCmd p = parsed("predict", "runs/x", "out.csv", "--format=csv", "--split", "all", "--split", "validation");
        assertEquals(List.of("runs/x", "out.csv"), p.args);
        assertEquals("csv", p.format);
        assertEquals("validation", p.split.value, "the last --split wins, as before");
        Subcommands.GenerateCmd g = parsed("generate", "rows=10", "features=3", "output=/tmp/x");
        assertEquals(List.of("rows=10", "features=3", "output=/tmp/x"), g.args);
        Subcommands.ReportCmd r = parsed("report", "@runs/x");
        assertEquals(List.of("@runs/x"), r.args, "an argument starting with @ is a path, not an argument file");
    }

    @Test
    void aMistypedKeyGetsASuggestion() {
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> Main.parse(new String[] {Main.DEFAULT_JOB, "optimzer.lr=0.1"}));
        assertTrue(e.getMessage().startsWith("command line 'optimzer.lr=0.1': unknown key 'optimzer.lr'; did you mean optimizer.lr? allowed: "),
                e.getMessage());
        e = assertThrows(SparkTrainException.class, () -> Main.parse(new String[] {Main.DEFAULT_JOB, "train.epoch=3"}));
        assertTrue(e.getMessage().contains("unknown key 'train.epoch'; did you mean train.epochs?"), e.getMessage());
        e = assertThrows(SparkTrainException.class, () -> Main.parse(new String[] {Main.DEFAULT_JOB, "sheduler.T_max=3"}));
        assertTrue(e.getMessage().contains("did you mean scheduler.T_max?"), e.getMessage());
        e = assertThrows(SparkTrainException.class, () -> new TrainJob(Main.parse(new String[] {Main.DEFAULT_JOB, "optimizer=Adamm"})));
        assertTrue(e.getMessage().contains("unknown optimizer 'Adamm'; allowed: ") && e.getMessage().endsWith("; did you mean Adam?"),
                e.getMessage());
        e = assertThrows(SparkTrainException.class, () -> new TrainJob(Main.parse(new String[] {Main.DEFAULT_JOB, "scheduler=StepRL"})));
        assertTrue(e.getMessage().endsWith("; did you mean StepLR?"), e.getMessage());
        // an option inside a section: the optimizer's own list
        e = assertThrows(SparkTrainException.class, () -> new TrainJob(Main.parse(new String[] {Main.DEFAULT_JOB, "optimizer.betas2=0.9"})));
        assertTrue(e.getMessage().contains("'optimizer.betas2': unknown option; allowed: "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; did you mean betas?"), e.getMessage());
        // through the command line: one line, exit 2, before Spark starts
        CliHelpTest.Ran r = run(Main.DEFAULT_JOB, "optimzer.lr=0.1");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("sparktrain: error: command line 'optimzer.lr=0.1': unknown key 'optimzer.lr'; did you mean optimizer.lr?"),
                r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aMistypedCommandOrOptionGetsASuggestionAndTheUsageLine() {
        CliHelpTest.Ran r = run("evalute", "runs/x");
        assertEquals(2, r.status());
        assertEquals(List.of("sparktrain: error: unknown command 'evalute'; did you mean evaluate?",
                "usage: sparktrain [COMMAND] [ARGS ...]      (./submit.sh [spark-submit options] [COMMAND] [ARGS ...])"), r.err().lines().toList());
        r = run("prdict", "runs/x", "out");
        assertTrue(r.err().startsWith("sparktrain: error: unknown command 'prdict'; did you mean predict?\n"), r.err());
        r = run("bogus");
        assertTrue(r.err().startsWith("sparktrain: error: unknown command 'bogus' (and no such job file); commands: train, evaluate"), r.err());

        r = run("evaluate", "runs/x", "--splt", "validation");
        assertEquals(2, r.status());
        assertEquals(List.of("sparktrain: error: evaluate: unknown option '--splt'; did you mean --split?",
                "usage: sparktrain evaluate MODEL_DIR [--split all|train|validation] [--json FILE] [data.KEY=VALUE ...]"), r.err().lines().toList());
        r = run("--resum", "runs/x");
        assertTrue(r.err().startsWith("sparktrain: error: train: unknown option '--resum'; did you mean --resume?\nusage: sparktrain [train]"), r.err());
        r = run("help", "evalute");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("sparktrain: error: help: unknown command 'evalute'; did you mean evaluate?\nusage: sparktrain help"), r.err());
    }

    @Test
    void usageErrorsExitTwoWithTheUsageLine() {
        CliHelpTest.Ran r = run("predict", "runs/x");
        assertEquals(2, r.status());
        assertEquals(List.of("sparktrain: error: predict: expected a model directory and an output path, got 'runs/x'",
                "usage: sparktrain predict MODEL_DIR OUTPUT [--format parquet|csv] [--split all|train|validation] [data.KEY=VALUE ...]"),
                r.err().lines().toList());
        r = run("report");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("sparktrain: error: report: expected one output directory, got none\nusage: sparktrain report DIR"), r.err());
        r = run("evaluate", "runs/x", "--split", "valdation");
        assertEquals(List.of("sparktrain: error: evaluate: --split: expected all, train or validation, got 'valdation'; did you "
                + "mean validation?", "usage: sparktrain evaluate MODEL_DIR [--split all|train|validation] [--json FILE] "
                + "[data.KEY=VALUE ...]"), r.err().lines().toList());
        r = run("evaluate", "runs/x", "--json");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--json") && r.err().contains("\nusage: sparktrain evaluate"), r.err());
        // an error that is not about usage: one line, exit 2, no usage line
        r = run("report", "/no/such/run/dir");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("sparktrain: error: ") && r.err().lines().count() == 1, r.err());
    }

    @Test
    void closestNameNeedsToBeClose() {
        assertEquals("optimizer.lr", Names.closest("optimzer.lr", List.of("optimizer.lr", "optimizer.eps")));
        assertEquals("evaluate", Names.closest("evalaute", List.of("train", "evaluate")), "a swap is one edit");
        assertEquals("Adam", Names.closest("adam", List.of("SGD", "Adam")), "case is ignored");
        assertNull(Names.closest("xyz", List.of("train", "evaluate")));
        assertNull(Names.closest("lr", List.of("eps")));
        assertEquals(1, Names.distance("train.epoch", "train.epochs"));
        assertEquals(2, Names.distance("abcd", "badc"));
    }
}
