package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Job files and command-line overrides: what is accepted, and that every refusal is one clear line. */
class JobConfigTest {
    /** A small valid job; line numbers below refer to this list (1-based). */
    private static final List<String> BASE = List.of(
            "# a test job",                                   // 1
            "data.path = data/digits.csv.gz",                 // 2
            "data.features = 64",                             // 3
            "data.classes = 10",                              // 4
            "",                                               // 5
            "model = linear(64,16), relu, linear(16,10)",     // 6
            "optimizer = Adam",                               // 7
            "optimizer.lr = 0.01",                            // 8
            "train.epochs = 2");                              // 9

    @TempDir
    Path dir;

    private Path job(String... extra) throws IOException {
        List<String> lines = new ArrayList<>(BASE);
        lines.addAll(List.of(extra));
        Path f = dir.resolve("job.conf");
        Files.write(f, lines);
        return f;
    }

    /** Replaces line {@code lineNo} (1-based) of the base job. */
    private Path jobWithLine(int lineNo, String line) throws IOException {
        List<String> lines = new ArrayList<>(BASE);
        lines.set(lineNo - 1, line);
        Path f = dir.resolve("job.conf");
        Files.write(f, lines);
        return f;
    }

    private static SparkTrainException refused(Runnable r, String... parts) {
        SparkTrainException e = assertThrows(SparkTrainException.class, r::run);
        String m = e.getMessage();
        assertFalse(m.contains("\n") || m.contains("\r"), "message must be one line: " + m);
        for (String p : parts) assertTrue(m.contains(p), "message should contain '" + p + "': " + m);
        return e;
    }

    private static SparkTrainException parseRefused(Path f, List<String> overrides, String... parts) {
        List<String> args = new ArrayList<>();
        args.add(f.toString());
        args.addAll(overrides);
        return refused(() -> Main.parse(args.toArray(String[]::new)), parts);
    }

    private static SparkTrainException jobRefused(Path f, String... parts) {
        JobConfig cfg = Main.parse(new String[] {f.toString()});
        return refused(() -> new TrainJob(cfg), parts);
    }

    /** Line {@code lineNo} of the base job replaced by {@code line}: parsing is refused naming file and line. */
    private SparkTrainException lineRefused(int lineNo, String line, String... parts) throws IOException {
        Path f = jobWithLine(lineNo, line);
        return parseRefused(f, List.of(), at(f, lineNo, parts));
    }

    /** {@code line} added to the base job (as line 10): parsing is refused naming file and line. */
    private SparkTrainException addedLineRefused(String line, String... parts) throws IOException {
        Path f = job(line);
        return parseRefused(f, List.of(), at(f, 10, parts));
    }

    /** The base job with another model (line 6): building the job is refused naming file and line. */
    private SparkTrainException modelRefused(String model, String... parts) throws IOException {
        Path f = jobWithLine(6, "model = " + model);
        return jobRefused(f, at(f, 6, parts));
    }

    /** {@code parts} preceded by "file:line". */
    private static String[] at(Path f, int lineNo, String... parts) {
        String[] all = new String[parts.length + 1];
        all[0] = f + ":" + lineNo;
        System.arraycopy(parts, 0, all, 1, parts.length);
        return all;
    }

    @Test
    void validJobParsesWithDefaults() throws IOException {
        JobConfig cfg = Main.parse(new String[] {job().toString()});
        assertEquals("data/digits.csv.gz", cfg.data.path());
        assertEquals(64, cfg.data.features());
        assertEquals(10, cfg.data.classes());
        assertNull(cfg.data.labelColumn()); // the format's default: the last csv column
        assertEquals(0.2, cfg.data.validationFraction());
        assertEquals(2, cfg.train.epochs());
        assertEquals(64, cfg.train.batchSize());
        assertTrue(cfg.train.shuffle());
        assertEquals(42, cfg.train.seed());
        assertEquals("CrossEntropyLoss", cfg.loss);
        assertEquals("Adam", cfg.optimizer);
        assertNull(cfg.scheduler);
        assertEquals("runs/latest", cfg.outputDir);
        assertEquals(dir.resolve("job.conf") + ":8", cfg.origin("optimizer.lr"));
        new TrainJob(cfg); // builds model, loss and optimizer without complaint
    }

    @Test
    void lossIgnoreIndexReachesTheLoaderAndOtherLossOptionsParse() throws IOException {
        assertNull(Main.parse(new String[] {job().toString()}).data.ignoredLabel(), "only when loss.ignore_index is set");
        JobConfig cfg = Main.parse(new String[] {job("loss.ignore_index = -1", "loss.reduction = sum").toString()});
        assertEquals(-1, cfg.data.ignoredLabel());
        new TrainJob(cfg);
        cfg = Main.parse(new String[] {job("loss = HuberLoss", "loss.delta = 0.5", "loss.reduction = sum").toString()});
        assertNull(cfg.data.ignoredLabel(), "HuberLoss has no ignore_index");
        addedLineRefused("loss.ignore_index = 1.5", "'loss.ignore_index': expected an integer, got 1.5");
        Path f = job("loss.reduction = none");
        jobRefused(f, at(f, 10, "'loss.reduction': expected one of mean, sum, got 'none'"));
    }

    @Test
    void unknownKeyNamesFileLineAndListsAllowedKeys() throws IOException {
        addedLineRefused("train.epoch = 3", "unknown key 'train.epoch'", "allowed:", "train.epochs",
                "data.validation_fraction", "optimizer.<option>", "output.dir");
        lineRefused(3, "data.feature = 64", "unknown key 'data.feature'", "data.features");
    }

    @Test
    void badEpochsNamesKeyAndValue() throws IOException {
        lineRefused(9, "train.epochs = ten", "'train.epochs'", "'ten'");
        lineRefused(9, "train.epochs = 0", "'train.epochs'", "must be >= 1", "0");
    }

    @Test
    void badValidationFractionNamesKeyAndValue() throws IOException {
        addedLineRefused("data.validation_fraction = 1.5", "'data.validation_fraction'", "1.5", "[0, 1)");
        addedLineRefused("data.validation_fraction = -0.1", "'data.validation_fraction'", "-0.1");
    }

    @Test
    void badBooleanAndChoiceNameKeyAndValue() throws IOException {
        addedLineRefused("train.shuffle = yes", "'train.shuffle'", "yes", "true or false");
        addedLineRefused("data.format = xlsx", "'data.format'", "xlsx", "csv", "parquet");
        Path f = job("scheduler = StepLR", "scheduler.interval = batch");
        parseRefused(f, List.of(), f + ":11", "'scheduler.interval'", "batch", "epoch");
    }

    @Test
    void negativeLearningRateRefusedByTrainJob() throws IOException {
        jobRefused(jobWithLine(8, "optimizer.lr = -1"), "lr", "-1");
    }

    @Test
    void unknownOptimizerListsAllowedOptimizers() throws IOException {
        jobRefused(jobWithLine(7, "optimizer = Adamm"), "unknown optimizer 'Adamm'", "allowed:", "SGD", "Adam",
                "AdamW", "RMSprop");
    }

    @Test
    void badSchedulerOptionNamesFileLine() throws IOException {
        Path f = job("scheduler = StepLR", "scheduler.step_size = 0");
        jobRefused(f, f + ":11", "'scheduler.step_size'", "positive integer", "0");
        Path g = job("scheduler = StepLR", "scheduler.step_size = 2", "scheduler.gamma = 0.5", "scheduler.interval = step");
        JobConfig cfg = Main.parse(new String[] {g.toString()});
        assertFalse(cfg.schedulerOptions.has("interval"), "interval is ours, not the scheduler's");
        new TrainJob(cfg);
    }

    @Test
    void unknownSchedulerListsAllowedSchedulers() throws IOException {
        jobRefused(job("scheduler = Foo"), "unknown scheduler 'Foo'", "allowed:", "StepLR", "CosineAnnealingLR");
    }

    @Test
    void unknownOptimizerOptionRefused() throws IOException {
        Path f = job("optimizer.momentum = 0.9");
        jobRefused(f, f + ":10", "'optimizer.momentum'", "unknown option", "allowed:", "betas", "lr");
    }

    @Test
    void schedulerOptionsWithoutSchedulerRefused() throws IOException {
        addedLineRefused("scheduler.T_max = 5", "scheduler options given", "no 'scheduler'");
    }

    @Test
    void missingJobFile() {
        Path missing = dir.resolve("nope.conf");
        refused(() -> Main.parse(new String[] {missing.toString()}), "job file not found", missing.toString());
    }

    @Test
    void lineWithoutEqualsNamesFileLine() throws IOException {
        lineRefused(5, "train.epochs 3", "expected 'key = value'", "train.epochs 3");
    }

    @Test
    void emptyValueRefused() throws IOException {
        lineRefused(5, "train.seed =", "train.seed", "no value");
    }

    @Test
    void missingRequiredKey() throws IOException {
        Path f = jobWithLine(7, "# no optimizer");
        parseRefused(f, List.of(), "optimizer", "missing");
    }

    @Test
    void commandLineOverrideWins() throws IOException {
        Path f = job();
        JobConfig cfg = Main.parse(new String[] {f.toString(), "train.epochs=7", "optimizer.lr = 0.5",
                "output.dir=/tmp/x"});
        assertEquals(7, cfg.train.epochs());
        assertEquals(0.5, cfg.optimizerOptions.getDouble("lr"));
        assertEquals("/tmp/x", cfg.outputDir);
        assertTrue(cfg.origin("train.epochs").startsWith("command line"), cfg.origin("train.epochs"));
        assertEquals("7", cfg.resolved().get("train.epochs"));
    }

    @Test
    void overrideWithUnknownKeyNamesCommandLine() throws IOException {
        parseRefused(job(), List.of("train.epoch=3"), "command line", "train.epoch=3", "unknown key 'train.epoch'",
                "allowed:");
    }

    @Test
    void overrideWithoutEqualsRefused() throws IOException {
        parseRefused(job(), List.of("train.epochs"), "train.epochs", "key=value");
    }

    @Test
    void badOverrideValueNamesKeyAndValue() throws IOException {
        parseRefused(job(), List.of("train.batch_size=big"), "command line", "'train.batch_size'", "'big'");
    }

    @Test
    void firstLayerMustMatchFeatures() throws IOException {
        modelRefused("linear(32,16), relu, linear(16,10)", "takes 32 features", "data.features is 64");
    }

    @Test
    void lastLayerMustMatchClasses() throws IOException {
        modelRefused("linear(64,16), relu, linear(16,9)", "gives 9 outputs", "data.classes is 10");
    }

    @Test
    void unknownLayerRefused() throws IOException {
        modelRefused("linear(64,16), relux, linear(16,10)", "unknown layer 'relux'", "did you mean ReLU?");
    }
}
