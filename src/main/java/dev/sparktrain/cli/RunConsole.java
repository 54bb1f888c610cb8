package dev.sparktrain.cli;

import dev.sparktrain.data.RowGroups;
import dev.sparktrain.spark.load.LoadedData;
import dev.sparktrain.train.EarlyStopping;
import dev.sparktrain.train.EpochStats;

import java.io.PrintStream;
import java.util.Locale;

/** The lines a training job prints besides the per-epoch progress: the data, early stopping, the end. */
final class RunConsole {
    private RunConsole() {
    }

    /**
     * The data line printed at start: rows, partitions, storage, cached bytes and bytes per row
     * next to the raw dense float64 size N×(d+1)×8 (and the non-zeros for sparse storage).
     */
    static String dataLine(String path, LoadedData data, int features, RowGroups groups) {
        long rows = data.trainRows() + data.validationRows();
        long raw = 8L * rows * (features + 1);
        String nz = data.nonZeros() < 0 ? "" : String.format(Locale.ROOT, ", %d non-zeros (density %.4g%%)",
                data.nonZeros(), 100.0 * data.nonZeros() / Math.max(1.0, (double) rows * features));
        return String.format(Locale.ROOT, "data: %s: %d training rows, %d validation rows, %d partitions, %s%s, cached %d bytes "
                        + "(%.1f bytes/row; raw float64 %d bytes); %s",
                path, data.trainRows(), data.validationRows(), data.train().getNumPartitions(), data.layout(), nz,
                data.cachedBytes(), data.cachedBytes() / (double) Math.max(1, rows), raw,
                groups.count() == 1 ? "1 row group" : groups.count() + " row groups of " + groups.groupRows() + " rows");
    }

    static void printEarlyStop(PrintStream out, EarlyStopping es) {
        EarlyStopping.Settings s = es.settings();
        String restored = s.restoreBest() && es.bestParams() != null ? "; weights of epoch " + es.bestEpoch() + " restored" : "";
        if (es.stopped()) {
            out.printf(Locale.ROOT, "early stopping: %s did not improve by more than %s for %d epochs; best %.6g at epoch %d%s%n",
                    s.monitor(), s.minDelta(), s.patience(), es.best(), es.bestEpoch(), restored);
        } else {
            out.printf(Locale.ROOT, "early stopping: not triggered; best %s %.6g at epoch %d%s%n", s.monitor(), es.best(),
                    es.bestEpoch(), restored);
        }
    }

    static void printDone(PrintStream out, EpochStats last, boolean regression, String outputDir) {
        String val = regression ? String.format(Locale.ROOT, "val_rmse %.4f", Math.sqrt(last.valLoss()))
                : String.format(Locale.ROOT, "val_acc %.2f%%", 100 * last.valAccuracy());
        out.printf(Locale.ROOT, "done: final train_loss %.4f, val_loss %.4f, %s; model saved to %s%n",
                last.trainLoss(), last.valLoss(), val, outputDir);
    }
}
