package dev.sparktrain.data;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One partition's rows packed into two primitive arrays: features row-major ({@code rows ×
 * features}) and targets ({@code rows × targetWidth}). Rows are the contiguous global rows
 * [firstRow, firstRow + rows) of the data set, in data-set order. A cached RDD holds one block
 * per partition, so a training step touches arrays, never row objects.
 */
public final class PackedBlock implements Serializable {
    private final long firstRow;
    private final int rows;
    private final int features;
    private final int targetWidth;
    private final double[] x;
    private final double[] y;

    /** This epoch's visiting order of our rows, computed once per epoch on the executor. */
    private transient volatile LocalOrder order;

    public PackedBlock(long firstRow, int rows, int features, int targetWidth, double[] x, double[] y) {
        if (x.length != (long) rows * features || y.length != (long) rows * targetWidth) {
            throw new IllegalArgumentException("block arrays do not match " + rows + " rows");
        }
        this.firstRow = firstRow;
        this.rows = rows;
        this.features = features;
        this.targetWidth = targetWidth;
        this.x = x;
        this.y = y;
    }

    public long firstRow() {
        return firstRow;
    }

    public int rows() {
        return rows;
    }

    public int features() {
        return features;
    }

    public int targetWidth() {
        return targetWidth;
    }

    public double[] x() {
        return x;
    }

    public double[] y() {
        return y;
    }

    /** Bytes held by the packed arrays. */
    public long bytes() {
        return 8L * (x.length + y.length);
    }

    /**
     * The local rows this block contributes to positions [from, to) of the epoch's order, in
     * visiting order. Without shuffling these are contiguous, so the result is a range.
     */
    public Slice slice(EpochOrder epochOrder, int epoch, long from, long to) {
        if (!epochOrder.shuffled()) {
            long lo = Math.max(from, firstRow);
            long hi = Math.min(to, firstRow + rows);
            return hi <= lo ? Slice.EMPTY : Slice.range((int) (lo - firstRow), (int) (hi - lo));
        }
        LocalOrder o = order;
        if (o == null || o.epoch != epoch || o.seedKey != epochOrder.key()) {
            o = new LocalOrder(epochOrder, epoch);
            order = o;
        }
        int a = lowerBound(o.positions, from);
        int b = lowerBound(o.positions, to);
        return b <= a ? Slice.EMPTY : Slice.rows(Arrays.copyOfRange(o.localRows, a, b));
    }

    private static int lowerBound(long[] sorted, long key) {
        int i = Arrays.binarySearch(sorted, key);
        return i >= 0 ? i : -i - 1;
    }

    /** Local rows, or a contiguous range of them, taking part in one step. */
    public record Slice(int start, int length, int[] rows) {
        static final Slice EMPTY = new Slice(0, 0, null);

        static Slice range(int start, int length) {
            return new Slice(start, length, null);
        }

        static Slice rows(int[] rows) {
            return new Slice(0, rows.length, rows);
        }

        public boolean contiguous() {
            return rows == null;
        }
    }

    /** Our rows sorted by their position in one epoch's global order. */
    private final class LocalOrder {
        final int epoch;
        final long seedKey;
        final long[] positions;
        final int[] localRows;

        LocalOrder(EpochOrder eo, int epoch) {
            this.epoch = epoch;
            this.seedKey = eo.key();
            long[] packed = new long[rows];
            long[] pos = new long[rows];
            for (int i = 0; i < rows; i++) pos[i] = eo.positionOf(firstRow + i);
            Integer[] idx = new Integer[rows];
            for (int i = 0; i < rows; i++) idx[i] = i;
            Arrays.sort(idx, (p, q) -> Long.compare(pos[p], pos[q]));
            localRows = new int[rows];
            for (int i = 0; i < rows; i++) {
                localRows[i] = idx[i];
                packed[i] = pos[idx[i]];
            }
            positions = packed;
        }
    }
}
