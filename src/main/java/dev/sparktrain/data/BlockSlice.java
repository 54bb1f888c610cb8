package dev.sparktrain.data;

import java.util.Arrays;

/** A block's local rows taking part in one step: a contiguous range, or (shuffled) a sorted list. */
public record BlockSlice(int start, int length, int[] rows) {
    static final BlockSlice EMPTY = new BlockSlice(0, 0, null);

    public static BlockSlice range(int start, int length) {
        return new BlockSlice(start, length, null);
    }

    static BlockSlice rows(int[] rows) {
        return new BlockSlice(0, rows.length, rows);
    }

    public boolean contiguous() {
        return rows == null;
    }

    /** Part {@code i} of {@code k} nearly equal consecutive parts (for threads within one task). */
    public BlockSlice part(int i, int k) {
        int a = (int) ((long) length * i / k);
        int b = (int) ((long) length * (i + 1) / k);
        if (b <= a) return EMPTY;
        return rows == null ? range(start + a, b - a) : rows(Arrays.copyOfRange(rows, a, b));
    }
}
