package dev.sparktrain.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * One line per epoch: loss, accuracy, lr, time and throughput, plus an ETA. Inside a long epoch,
 * progress (steps done/total, rows/s, the loss so far, the epoch's ETA): on a terminal a live line
 * rewritten in place ({@code \r}) once the epoch has run {@link #LIVE_AFTER} seconds, at most every
 * {@link #REDRAW} seconds, and overwritten by the epoch line; in a log file a plain line every
 * {@code intervalSeconds}. An interval of 0 shows neither. Time comes from {@code clock} (nanoseconds).
 */
public final class ProgressPrinter implements TrainListener {
    /** A live line appears once an epoch has run this long (seconds): short epochs print only their line. */
    static final double LIVE_AFTER = 3.0;
    /** The live line is rewritten at most this often (seconds). */
    static final double REDRAW = 0.25;

    private final PrintStream out;
    private final int epochs;
    private final boolean terminal;
    private final double intervalSeconds;
    private final LongSupplier clock;
    private double elapsed;
    private int seen;
    private int skipped;
    // the current epoch, for the progress inside it
    private int epoch;
    private long stepsTotal;
    private long stepsDone;
    private long rows;
    private double lossTimesRows;
    private long epochStart;
    private long lastShown;
    private int liveWidth;

    /** Epoch lines only. */
    public ProgressPrinter(PrintStream out, int epochs) {
        this(out, epochs, false, 0, System::nanoTime);
    }

    /**
     * @param terminal        {@code out} is a terminal: a live line, else plain lines
     * @param intervalSeconds seconds between plain progress lines; 0 = no progress inside an epoch
     * @param clock           nanoseconds, as {@link System#nanoTime()}
     */
    public ProgressPrinter(PrintStream out, int epochs, boolean terminal, double intervalSeconds, LongSupplier clock) {
        this.out = out;
        this.epochs = epochs;
        this.terminal = terminal;
        this.intervalSeconds = intervalSeconds;
        this.clock = clock;
    }

    @Override
    public void beforeEpoch(int epoch, long steps) {
        this.epoch = epoch;
        stepsTotal = steps;
        stepsDone = 0;
        rows = 0;
        lossTimesRows = 0;
        epochStart = clock.getAsLong();
        lastShown = epochStart;
    }

    @Override
    public void afterStep(StepStats s) {
        stepsDone++;
        rows += s.rows();
        lossTimesRows += s.loss() * s.rows();
        showProgress();
    }

    @Override
    public void skippedStep(int epoch, long step, String reason) {
        skipped++;
        stepsDone++;
        clearLive();
        out.println(reason + "; optimizer step skipped (train.nonfinite = skip)");
        out.flush();
        showProgress();
    }

    private void showProgress() {
        if (intervalSeconds <= 0) return;
        long now = clock.getAsLong();
        double sinceStart = (now - epochStart) / 1e9;
        double sinceShown = (now - lastShown) / 1e9;
        if (terminal) {
            if (sinceStart < LIVE_AFTER || (liveWidth > 0 && sinceShown < REDRAW)) return;
            String line = progressLine(sinceStart);
            out.print("\r" + padded(line, liveWidth));
            liveWidth = line.length();
        } else {
            if (sinceShown < intervalSeconds) return;
            out.println(progressLine(sinceStart));
        }
        out.flush();
        lastShown = now;
    }

    /** {@code epoch 3/30  step 120/500  loss 0.4231  1830 rows/s  epoch eta 12s}. */
    String progressLine(double seconds) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "epoch %3d/%d  step %d/%d", epoch, epochs, stepsDone, stepsTotal));
        if (rows > 0) b.append(String.format(Locale.ROOT, "  loss %.4f", lossTimesRows / rows));
        b.append(String.format(Locale.ROOT, "  %.0f rows/s", rows / Math.max(seconds, 1e-9)));
        if (stepsDone > 0) b.append("  epoch eta ").append(duration(seconds / stepsDone * (stepsTotal - stepsDone)));
        return b.toString();
    }

    /** 42s, 12m05s, 3h07m. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 100) return s + "s";
        if (s < 6000) return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        return String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60);
    }

    private static String padded(String line, int width) {
        return line.length() >= width ? line : line + " ".repeat(width - line.length());
    }

    /** Blanks the live line so the next output starts on a clean line. */
    private void clearLive() {
        if (liveWidth == 0) return;
        out.print("\r" + " ".repeat(liveWidth) + "\r");
        liveWidth = 0;
    }

    @Override
    public boolean needsParams(EpochStats s) {
        return false;
    }

    @Override
    public void afterEpoch(EpochStats s, double[] params) {
        elapsed += s.seconds();
        seen++; // epochs run by this process (a resumed run starts past epoch 1)
        double eta = elapsed / seen * (epochs - s.epoch());
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "epoch %3d/%d  train_loss %.4f", s.epoch(), epochs, s.trainLoss()));
        if (!Double.isNaN(s.trainAccuracy())) b.append(String.format(Locale.ROOT, "  train_acc %.2f%%", 100 * s.trainAccuracy()));
        if (!Double.isNaN(s.valLoss())) b.append(String.format(Locale.ROOT, "  val_loss %.4f", s.valLoss()));
        if (!Double.isNaN(s.valAccuracy())) b.append(String.format(Locale.ROOT, "  val_acc %.2f%%", 100 * s.valAccuracy()));
        b.append(String.format(Locale.ROOT, "  lr %.3e", s.lr()[0]));
        if (!Double.isNaN(s.gradNorm())) b.append(String.format(Locale.ROOT, "  grad_norm %.3f", s.gradNorm()));
        if (skipped > 0) b.append("  skipped ").append(skipped).append(skipped == 1 ? " step" : " steps");
        skipped = 0;
        b.append(String.format(Locale.ROOT, "  %.2fs  %.0f rows/s  eta %.0fs", s.seconds(), s.rowsPerSecond(), eta));
        String line = b.toString();
        if (liveWidth > 0) out.print("\r" + padded(line, liveWidth) + System.lineSeparator());
        else out.println(line);
        liveWidth = 0;
        out.flush();
    }
}
