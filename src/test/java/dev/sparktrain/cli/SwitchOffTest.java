package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.clip.ClipGradNorm;
import dev.sparktrain.optim.clip.GradientClipper;
import dev.sparktrain.optim.clip.GradientClippers;
import dev.sparktrain.optim.lr.StepLR;
import dev.sparktrain.plan.PlanChoices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code scheduler = none}, {@code clip = none} and {@code clip.max_norm = 0}: in the job file and as overrides. */
class SwitchOffTest {
    private static final String MODEL = "linear(64,16), relu, linear(16,10)";
    private static final List<String> BASE = List.of(
            "data.path = data/digits.csv.gz",
            "data.features = 64",
            "data.classes = 10",
            "model = " + MODEL,
            "optimizer = SGD",
            "optimizer.lr = 0.1");

    @TempDir
    Path dir;

    /** The base job and {@code extra} lines (from line 7). */
    private Path job(String... extra) throws IOException {
        return Files.write(dir.resolve("job.conf"), Stream.concat(BASE.stream(), Stream.of(extra)).toList());
    }

    private static JobConfig parse(Path f, String... overrides) {
        List<String> args = new ArrayList<>(List.of(f.toString()));
        args.addAll(List.of(overrides));
        return Main.parse(args.toArray(String[]::new));
    }

    /** The clipper the job's plan gets (JobPlan.build makes it with exactly this call). */
    private static GradientClipper clipper(JobConfig cfg) {
        return GradientClippers.create(cfg.clipOptions, Sequential.parse(MODEL, "model").tensorSizes());
    }

    private static String refused(Runnable r) {
        String m = assertThrows(SparkTrainException.class, r::run).getMessage();
        assertFalse(m.contains("\n"), m);
        return m;
    }

    @Test
    void schedulerNoneInTheJobFileIsNoScheduler() throws IOException {
        JobConfig cfg = parse(job("scheduler = none"));
        assertNull(cfg.scheduler);
        assertNull(new TrainJob(cfg).scheduler());
        assertNull(new TrainJob(parse(job("scheduler = None"))).scheduler());
    }

    /** Spark ML's scheduler param (default none) reaches the plan through the same word. */
    @Test
    void planChoicesReadNoneAsNoScheduler() {
        assertNull(new PlanChoices(null, null, null, null, null, null, " None ", null, null, null).scheduler());
        assertEquals("StepLR", new PlanChoices(null, null, null, null, null, null, "StepLR", null, null, null).scheduler());
    }

    @Test
    void schedulerNoneOverrideDropsTheJobFilesSchedulerOptions() throws IOException {
        Path f = job("scheduler = StepLR", "scheduler.step_size = 2", "scheduler.interval = step");
        assertInstanceOf(StepLR.class, new TrainJob(parse(f)).scheduler());
        JobConfig off = parse(f, "scheduler=none");
        assertNull(off.scheduler);
        assertTrue(off.schedulerOptions.keys().isEmpty());
        assertNull(off.train.schedulerInterval());
        assertFalse(off.resolved().keySet().stream().anyMatch(k -> k.startsWith("scheduler.")), off.resolved().toString());
        assertNull(new TrainJob(off).scheduler());
        // switched on again after it, with options of its own
        JobConfig again = parse(f, "scheduler=none", "scheduler=StepLR", "scheduler.step_size=3");
        assertEquals("StepLR", again.scheduler);
        assertEquals(List.of("step_size"), List.copyOf(again.schedulerOptions.keys()));
    }

    @Test
    void schedulerOptionsWithSchedulerNoneAreRefused() throws IOException {
        Path f = job("scheduler = none", "scheduler.T_max = 3");
        assertTrue(refused(() -> parse(f)).contains(f + ":8: 'scheduler.T_max': scheduler options given but 'scheduler' is none"));
        Path g = job("scheduler = StepLR", "scheduler.step_size = 2");
        String m = refused(() -> parse(g, "scheduler=none", "scheduler.gamma=0.5"));
        assertTrue(m.contains("command line 'scheduler.gamma=0.5'") && m.contains("'scheduler' is none"), m);
    }

    @Test
    void emptySchedulerSaysHowToSwitchItOff() throws IOException {
        Path f = job("scheduler = StepLR", "scheduler.step_size = 2");
        String m = refused(() -> parse(f, "scheduler="));
        assertTrue(m.contains("'scheduler' has no value (scheduler = none switches it off)"), m);
    }

    @Test
    void clipNoneAndMaxNormZeroSwitchClippingOff() throws IOException {
        Path f = job("clip.max_norm = 1.0", "clip.norm_type = inf");
        ClipGradNorm on = assertInstanceOf(ClipGradNorm.class, clipper(parse(f)));
        assertEquals(Double.POSITIVE_INFINITY, on.normType());
        assertNull(clipper(parse(f, "clip.max_norm=0")));
        JobConfig none = parse(f, "clip=none");
        assertTrue(none.clipOptions.keys().isEmpty());
        assertNull(clipper(none));
        new TrainJob(none);
        assertNull(clipper(parse(job("clip = none"))));
        assertNull(clipper(parse(job("clip.max_norm = 0"))));
        assertInstanceOf(ClipGradNorm.class, clipper(parse(f, "clip=none", "clip.max_norm=2")));
    }

    @Test
    void clipTakesOnlyNone() throws IOException {
        Path f = job("clip = off");
        assertTrue(refused(() -> parse(f)).contains(f + ":7: 'clip' is 'off', expected none"));
        Path g = job("clip = none", "clip.max_norm = 1");
        assertTrue(refused(() -> parse(g)).contains(g + ":8: 'clip.max_norm': clip options given but 'clip' is none"));
        // on the command line, clip options after the job file's clip = none switch clipping on again
        assertInstanceOf(ClipGradNorm.class, clipper(parse(job("clip = none"), "clip.max_norm=1")));
    }
}
