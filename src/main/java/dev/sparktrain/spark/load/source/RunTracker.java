package dev.sparktrain.spark.load.source;

import java.util.ArrayList;
import java.util.List;

/**
 * The runs of one input partition as its rows arrive, and where the current row is (for
 * messages). Rows read from files report their split; rows from memory form one run.
 */
final class RunTracker {
    private final int partition;
    private final List<StagedPartition.Run> runs = new ArrayList<>();
    private boolean open;
    /** The current run's file; null for rows from memory. */
    private String file;
    private long start;
    private int rows;

    RunTracker(int partition) {
        this.partition = partition;
        this.start = partition;
    }

    /** The next row comes from the split of {@code file} starting at byte {@code start}. */
    void fileRow(String f, long st) {
        if (!f.equals(file) || st != start) {
            close();
            file = f;
            start = st;
            rows = 0;
            open = true;
        }
    }

    /** The next row comes from memory. */
    void memoryRow() {
        open = true;
    }

    /** The current row is staged. */
    void added() {
        rows++;
    }

    /** The input read so far, for a reader's error. */
    String place() {
        return file == null ? "input partition " + partition : file;
    }

    /** The current row, 1-based within its run. */
    String row() {
        return file == null
                ? "input partition " + partition + ", row " + (rows + 1)
                : file + (start == 0 ? "" : " (split at byte " + start + ")") + ", row " + (rows + 1);
    }

    List<StagedPartition.Run> finish() {
        close();
        open = false;
        return runs;
    }

    private void close() {
        if (open) runs.add(new StagedPartition.Run(file == null ? "" : file, start, rows));
    }
}
