package dev.sparktrain.data;

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
}
