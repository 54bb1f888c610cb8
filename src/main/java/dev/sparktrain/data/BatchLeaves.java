package dev.sparktrain.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The leaves of a {@link SumTree} that one block's rows of a batch fill: within each group the
 * batch's rows, in row order, cut into runs of {@link RowGroups#LEAF_ROWS}; leaf index
 * {@code g · leavesPerGroup + c}. A leaf whose rows are consecutive is read as a range, any
 * other as a row list, the same whichever block holds it.
 *
 * @param firstLeaf the block's first leaf slot (its first group's)
 * @param endLeaf   one past its last leaf slot
 * @param leaves    the non-empty leaves, by ascending index
 */
public record BatchLeaves(long firstLeaf, long endLeaf, List<Leaf> leaves) {

    /** One leaf: its index and its rows in the block. */
    public record Leaf(long index, BlockSlice rows) {
    }

    /** The leaves of {@code batch} (a block's rows of one batch, ascending) in block {@code b}. */
    public static BatchLeaves of(PackedBlock b, BlockSlice batch, RowGroups groups) {
        if (!groups.aligned(b.firstRow(), b.rows())) {
            throw new IllegalStateException("block of rows [" + b.firstRow() + ", " + (b.firstRow() + b.rows())
                    + ") is not made of whole groups of " + groups.groupRows() + " rows");
        }
        int per = groups.leavesPerGroup();
        if (b.rows() == 0) return new BatchLeaves(0, 0, List.of());
        int g0 = groups.groupOf(b.firstRow());
        int g1 = groups.endGroup(b.firstRow(), b.rows());
        List<Leaf> out = new ArrayList<>();
        int[] rows = batch.rows();
        int cursor = 0; // position in the batch's rows list
        for (int g = g0; g < g1; g++) {
            int lo = (int) (groups.start(g) - b.firstRow());
            int hi = (int) (Math.min(groups.start(g + 1), b.firstRow() + b.rows()) - b.firstRow());
            long leaf = (long) g * per;
            if (rows == null) {
                int a = Math.max(lo, batch.start());
                int e = Math.min(hi, batch.start() + batch.length());
                for (int s = a; s < e; s += RowGroups.LEAF_ROWS) {
                    out.add(new Leaf(leaf++, BlockSlice.range(s, Math.min(RowGroups.LEAF_ROWS, e - s))));
                }
            } else {
                int a = cursor;
                while (cursor < rows.length && rows[cursor] < hi) cursor++;
                for (int s = a; s < cursor; s += RowGroups.LEAF_ROWS) {
                    int m = Math.min(RowGroups.LEAF_ROWS, cursor - s);
                    out.add(new Leaf(leaf++, rows[s + m - 1] - rows[s] == m - 1 ? BlockSlice.range(rows[s], m)
                            : BlockSlice.rows(Arrays.copyOfRange(rows, s, s + m))));
                }
            }
        }
        return new BatchLeaves((long) g0 * per, (long) g1 * per, out);
    }

    /** Every row of the block, as leaves (validation, evaluation). */
    public static BatchLeaves all(PackedBlock b, RowGroups groups) {
        return of(b, BlockSlice.range(0, b.rows()), groups);
    }
}
