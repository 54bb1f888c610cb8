package dev.sparktrain.train;

import java.io.PrintStream;
import java.util.Locale;

/** One line per epoch: loss, accuracy, lr, time and throughput, plus an ETA. */
public final class ProgressPrinter implements TrainListener {
    private final PrintStream out;
    private final int epochs;
    private double elapsed;
    private int seen;
    private int skipped;

    public ProgressPrinter(PrintStream out, int epochs) {
        this.out = out;
        this.epochs = epochs;
    }

    @Override
    public void skippedStep(int epoch, long step, String reason) {
        skipped++;
        out.println(reason + "; optimizer step skipped (train.nonfinite = skip)");
        out.flush();
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
        out.println(b);
        out.flush();
    }
}
