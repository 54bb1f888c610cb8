package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.ModelSpec;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.optim.clip.GradientClippers;
import dev.sparktrain.optim.lr.Schedulers;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The help and version texts (no Spark started): {@code train --help} names every job-file key,
 * every registered optimizer, scheduler, layer and loss with each of their options, and every key
 * it lists is one the parser accepts.
 */
class CliHelpTest {
    /** What a command line printed and returned. */
    record Ran(int status, String out, String err) {
    }

    static Ran run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Ran(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertContains(String text, String part) {
        assertTrue(text.contains(part), "expected '" + part + "' in:\n" + text);
    }

    @Test
    void trainHelpListsEveryKeyOptimizerSchedulerLayerAndLossWithTheirOptions() {
        Ran r = run("train", "--help");
        assertEquals(0, r.status(), r.err());
        String help = r.out();
        assertContains(help, "--resume");
        for (String k : JobKeys.fixed()) assertContains(help, "  " + k + " ");
        for (String n : Optimizers.names()) {
            assertContains(help, " " + n + ": ");
            for (String o : Optimizers.defaults(n).keySet()) assertContains(help, "optimizer." + o + " ");
        }
        for (String o : Optimizers.switches()) assertContains(help, "optimizer." + o);
        for (String n : Schedulers.names()) {
            assertContains(help, " " + n + ": ");
            for (String o : Schedulers.options(n)) assertContains(help, "scheduler." + o);
        }
        for (String n : Losses.names()) {
            assertContains(help, " " + n + ": ");
            for (String o : Losses.options(n)) assertContains(help, "loss." + o);
        }
        for (String l : ModelSpec.LAYERS) assertContains(help, l);
        for (String o : GradientClippers.OPTIONS) assertContains(help, "clip." + o + " ");
        assertContains(help, "param_groups.bias.");
        // the named examples, with PyTorch's defaults
        assertContains(help, "optimizer.lr (required)");           // SGD
        assertContains(help, "optimizer.betas (0.9, 0.999)");       // Adam
        assertContains(help, "scheduler.T_max");
        assertEquals(help, run("help", "train").out(), "help train prints the same text");
    }

    @Test
    void everyKeyTheHelpListsIsOneTheParserAccepts() {
        List<String> wrong = new ArrayList<>();
        for (String k : JobKeys.all()) {
            try {
                Main.parse(new String[] {Main.DEFAULT_JOB, k + "=1"});
            } catch (SparkTrainException e) {
                if (e.getMessage().contains("unknown key")) wrong.add(k + ": " + e.getMessage());
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(JobKeys.all().size() > 100, "open sections are expanded: " + JobKeys.all().size());
    }

    /**
     * submit.sh runs help with the jar alone (no Spark, no Scala, no Hadoop: a quick start), and
     * picocli reflects over every method of the command classes: no such type in their signatures.
     */
    @Test
    void commandClassesNameNoSparkTypeSoHelpRunsWithoutSpark() {
        List<String> found = new ArrayList<>();
        for (picocli.CommandLine c : Cli.commandLine(System.out, System.err).getSubcommands().values()) {
            for (Class<?> k = c.getCommandSpec().userObject().getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
                for (java.lang.reflect.Method m : k.getDeclaredMethods()) {
                    List<Class<?>> types = new ArrayList<>(List.of(m.getParameterTypes()));
                    types.add(m.getReturnType());
                    for (Class<?> t : types) {
                        if (t.getName().matches("(org\\.apache\\.(spark|hadoop)|scala)\\..*")) found.add(k.getSimpleName() + "." + m.getName() + ": " + t.getName());
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }

    @Test
    void topLevelHelpListsTheCommandsAndSaysTrainIsTheDefault() {
        for (String[] args : new String[][] {{"--help"}, {"-h"}, {"help"}}) {
            Ran r = run(args);
            assertEquals(0, r.status(), String.join(" ", args));
            for (String c : Cli.COMMANDS) assertContains(r.out(), "  " + c + " ");
            assertContains(r.out(), "the command is train");
            assertEquals("", r.err());
        }
    }

    @Test
    void eachCommandsHelpListsItsOptionsAndTheKeysItReads() {
        Ran ev = run("evaluate", "--help");
        assertEquals(0, ev.status());
        assertContains(ev.out(), "--split");
        assertContains(ev.out(), "--json");
        for (String k : JobKeys.data()) assertContains(ev.out(), "  " + k + " ");
        Ran pr = run("help", "predict");
        assertContains(pr.out(), "--format");
        assertContains(pr.out(), "--split");
        for (String k : JobKeys.data()) assertContains(pr.out(), "  " + k + " ");
        Ran gen = run("generate", "-h");
        for (String k : GenerateCommand.KEYS) assertContains(gen.out(), k);
        assertContains(run("report", "--help").out(), "sparktrain report DIR");
    }

    /** The project's version as pom.xml gives it (the first version after the artifactId). */
    static String pomVersion() throws IOException {
        String pom = Files.readString(Path.of(System.getProperty("project.basedir", "."), "pom.xml"));
        Matcher m = Pattern.compile("<artifactId>sparktrain</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find(), "pom.xml names the project version");
        return m.group(1);
    }

    @Test
    void versionNamesProjectSparkScalaJavaAndBlas() throws IOException {
        for (String a : List.of("--version", "-V")) {
            Ran r = run(a);
            assertEquals(0, r.status());
            String v = r.out().strip();
            assertFalse(v.contains("\n"), v);
            assertTrue(v.startsWith("sparktrain " + pomVersion() + ", "), v);
            assertFalse(v.contains("unknown version") || v.contains("not on the classpath"), v);
            assertContains(v, "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + ", ");
            assertContains(v, "Scala " + scala.util.Properties.versionNumberString() + ", ");
            assertContains(v, "Java " + Runtime.version().feature());
            assertTrue(v.matches(".*, BLAS [A-Za-z0-9]+BLAS$"), v);
        }
        assertEquals(run("--version").out(), run("evaluate", "--version").out());
    }
}
