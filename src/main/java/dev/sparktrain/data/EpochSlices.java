package dev.sparktrain.data;

import java.util.Arrays;

/**
 * Which of one block's rows (global rows [firstRow, firstRow + rows)) fall in positions
 * [from, to) of an epoch's order. A shuffled epoch's local order is computed on the first step
 * that needs it and kept until the epoch or seed changes, so each executor sorts once per epoch.
 */
final class EpochSlices {
    private final long firstRow;
    private final int rows;
    private volatile LocalOrder order;

    EpochSlices(long firstRow, int rows) {
        this.firstRow = firstRow;
        this.rows = rows;
    }

    /**
     * The local rows in positions [from, to), in ascending row order: a mini-batch is a set, its
     * loss and gradient a sum over it, and gathering rows in memory order is faster than in
     * visiting order (the sum differs only by rounding). Without shuffling, or when the batch
     * holds every row of the data set (a full-batch step), the result is a range and no epoch
     * order is computed.
     */
    BlockSlice slice(EpochOrder epochOrder, int epoch, long from, long to) {
        if (!epochOrder.shuffled() || (from <= 0 && to >= epochOrder.size())) {
            long lo = Math.max(from, firstRow);
            long hi = Math.min(to, firstRow + rows);
            return hi <= lo ? BlockSlice.EMPTY : BlockSlice.range((int) (lo - firstRow), (int) (hi - lo));
        }
        LocalOrder o = order;
        if (o == null || o.epoch != epoch || o.seedKey != epochOrder.key()) {
            o = new LocalOrder(epochOrder, epoch);
            order = o;
        }
        int a = lowerBound(o.positions, from);
        int b = lowerBound(o.positions, to);
        if (b <= a) return BlockSlice.EMPTY;
        if (b - a == rows) return BlockSlice.range(0, rows);
        int[] picked = Arrays.copyOfRange(o.localRows, a, b);
        Arrays.sort(picked);
        return BlockSlice.rows(picked);
    }

    private static int lowerBound(long[] sorted, long key) {
        int i = Arrays.binarySearch(sorted, key);
        return i >= 0 ? i : -i - 1;
    }

    /**
     * Our rows sorted by their position in one epoch's global order. Positions are distinct, so
     * a primitive sort of the positions alone suffices: the row at a position comes back through
     * the inverse permutation ({@link EpochOrder#rowAt}), with no boxed index array.
     */
    private final class LocalOrder {
        final int epoch;
        final long seedKey;
        final long[] positions;
        final int[] localRows;

        LocalOrder(EpochOrder eo, int epoch) {
            this.epoch = epoch;
            this.seedKey = eo.key();
            long[] pos = new long[rows];
            for (int i = 0; i < rows; i++) pos[i] = eo.positionOf(firstRow + i);
            Arrays.sort(pos);
            int[] local = new int[rows];
            for (int i = 0; i < rows; i++) local[i] = (int) (eo.rowAt(pos[i]) - firstRow);
            positions = pos;
            localRows = local;
        }
    }
}
