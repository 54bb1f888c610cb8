package dev.sparktrain.train;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Progress inside an epoch, with a fake clock and a fake terminal flag. */
class ProgressPrinterTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private double now; // seconds on the fake clock

    private ProgressPrinter printer(int epochs, boolean terminal, double interval) {
        return new ProgressPrinter(out, epochs, terminal, interval, () -> Math.round(now * 1e9));
    }

    /** A printer whose epoch 1 of {@code steps} steps starts at 0 s. */
    private ProgressPrinter started(int epochs, boolean terminal, double interval, long steps) {
        ProgressPrinter p = printer(epochs, terminal, interval);
        now = 0;
        p.beforeEpoch(1, steps);
        return p;
    }

    /** One step of {@code rows} rows with mean loss {@code loss}, ending at {@code t} seconds. */
    private void step(ProgressPrinter p, double t, double loss, long rows) {
        now = t;
        p.afterStep(new StepStats(1, 1, loss, 1.0, new double[]{0.1}, rows, 0.0));
    }

    private static EpochStats epoch(int epoch, double loss, double seconds, double rowsPerSecond) {
        return new EpochStats(epoch, 4, loss, Double.NaN, Double.NaN, Double.NaN, new double[]{0.1}, Double.NaN, seconds, rowsPerSecond);
    }

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void logFileGetsAPlainLineEveryInterval() {
        ProgressPrinter p = started(1, false, 10, 4);
        step(p, 4, 1.0, 100);
        step(p, 8, 0.5, 100);
        step(p, 12, 0.25, 100);   // 12 s >= 10 s since the epoch started: a line
        step(p, 16, 0.25, 100);   // 4 s since that line: none
        p.afterEpoch(epoch(1, 0.5, 16.5, 400 / 16.5), new double[0]);
        // loss so far (100·1 + 100·0.5 + 100·0.25) / 300; 300 rows / 12 s; 12 s / 3 steps × 1 step left
        assertEquals("epoch   1/1  step 3/4  loss 0.5833  25 rows/s  epoch eta 4s\n"
                + "epoch   1/1  train_loss 0.5000  lr 1.000e-01  16.50s  24 rows/s  eta 0s\n", output());
    }

    @Test
    void terminalGetsALiveLineReplacedByTheEpochLine() {
        ProgressPrinter p = started(2, true, 30, 8);
        double[] ends = {1, 2, 3, 3.1, 5, 6, 7, 8};
        for (int i = 0; i < ends.length; i++) step(p, ends[i], i == 0 ? 1.5 : 0.5, 60);
        String live = output();
        assertFalse(live.contains("\n"), "the live line is rewritten in place: " + live);
        assertFalse(live.contains("step 1/8") || live.contains("step 2/8"), "nothing in the first 3 s: " + live);
        assertTrue(live.startsWith("\repoch   1/2  step 3/8  loss 0.8333  60 rows/s  epoch eta 5s\r"), live);
        assertFalse(live.contains("step 4/8"), "0.1 s after the last redraw: not redrawn: " + live);
        assertTrue(live.contains("\repoch   1/2  step 5/8  loss 0.7000  60 rows/s  epoch eta 3s\r"), live);
        assertTrue(live.endsWith("\repoch   1/2  step 8/8  loss 0.6250  60 rows/s  epoch eta 0s"), live);
        int width = "epoch   1/2  step 8/8  loss 0.6250  60 rows/s  epoch eta 0s".length();

        p.afterEpoch(epoch(1, 0.625, 8.5, 480 / 8.5), new double[0]);
        String line = "epoch   1/2  train_loss 0.6250  lr 1.000e-01  8.50s  56 rows/s  eta 9s";
        String epochLine = output().substring(live.length());
        assertEquals("\r" + line + " ".repeat(Math.max(0, width - line.length())) + "\n", epochLine);

        // a short epoch (under 3 s) shows its epoch line only
        int before = output().length();
        now = 10;
        p.beforeEpoch(2, 2);
        step(p, 11, 0.5, 60);
        step(p, 12.5, 0.5, 60);
        p.afterEpoch(epoch(2, 0.5, 2.6, 120 / 2.6), new double[0]);
        assertEquals("epoch   2/2  train_loss 0.5000  lr 1.000e-01  2.60s  46 rows/s  eta 0s\n", output().substring(before));
    }

    @Test
    void aSkippedStepClearsTheLiveLineFirst() {
        ProgressPrinter p = started(1, true, 30, 3);
        step(p, 4, 0.5, 10);
        String live = "epoch   1/1  step 1/3  loss 0.5000  3 rows/s  epoch eta 8s";
        assertEquals("\r" + live, output());
        now = 5;
        p.skippedStep(1, 2, "epoch 1 step 2: the loss is NaN");
        // blanked, then the message on a line of its own, then the live line again (step 2/3, the loss unchanged)
        assertEquals("\r" + live + "\r" + " ".repeat(live.length()) + "\r"
                + "epoch 1 step 2: the loss is NaN; optimizer step skipped (train.nonfinite = skip)\n"
                + "\repoch   1/1  step 2/3  loss 0.5000  2 rows/s  epoch eta 3s", output());
    }

    @Test
    void intervalZeroShowsOnlyEpochLines() {
        for (boolean terminal : new boolean[]{true, false}) {
            bytes.reset();
            ProgressPrinter p = started(1, terminal, 0, 2);
            step(p, 100, 0.5, 10);
            step(p, 200, 0.5, 10);
            p.afterEpoch(epoch(1, 0.5, 200, 0.1), new double[0]);
            assertEquals("epoch   1/1  train_loss 0.5000  lr 1.000e-01  200.00s  0 rows/s  eta 0s\n", output());
        }
    }

    @Test
    void durations() {
        assertEquals("0s", ProgressPrinter.duration(0.4));
        assertEquals("99s", ProgressPrinter.duration(99.4));
        assertEquals("12m05s", ProgressPrinter.duration(725));
        assertEquals("99m59s", ProgressPrinter.duration(5999));
        assertEquals("3h07m", ProgressPrinter.duration(3 * 3600 + 7 * 60 + 30));
    }
}
