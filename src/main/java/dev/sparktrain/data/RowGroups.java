package dev.sparktrain.data;

import java.io.Serializable;

/**
 * Fixed groups of consecutive rows in data-set order: group g holds rows [g·G, (g+1)·G). Every
 * sum over rows is added in an order fixed by these groups and the batch alone (see
 * {@link SumTree}), never by partitioning: a partition always holds whole groups (the loader
 * aligns its ranges, {@link #firstGroup}), and within a group the batch's rows are cut into
 * leaves of at most {@link #LEAF_ROWS} rows in row order.
 *
 * <p>The group size is a function of the job (rows and batch size), so the same job gives the
 * same bits on any cluster. Fewer groups are cheaper (each group a step touches costs a kernel
 * call and one d-sized vector on its executor); more groups spread a step over more partitions.
 * {@link #forTraining} aims at about 512 batch rows per touched group — a step spreads over about
 * B/512 partitions, as many as can keep a core busy for more than the per-task cost — and keeps
 * groups between {@link #MIN_ROWS} and {@link #MAX_ROWS} rows (at most {@link #MAX_GROUPS}
 * groups unless the data needs more).
 *
 * @param rows      rows in the data set
 * @param groupRows G, rows per group (the last group may be shorter)
 */
public record RowGroups(long rows, int groupRows) implements Serializable {
    /** Rows per leaf: the kernel's chunk, so one leaf is one kernel call. */
    public static final int LEAF_ROWS = dev.sparktrain.nn.BatchKernel.CHUNK;
    /** Smallest group (unless the data set is smaller): a whole group is at least one full leaf. */
    public static final int MIN_ROWS = LEAF_ROWS;
    /** Largest group: a partition holding one group stays far below Spark's 2 GB block limit. */
    public static final int MAX_ROWS = 65_536;
    /** Groups wanted at most, unless the data needs more to keep groups within {@link #MAX_ROWS}. */
    public static final int MAX_GROUPS = 4096;
    /**
     * Batch rows a touched group should hold. Each touched group costs one kernel call and one
     * d-sized vector (allocated, summed into, added): measured 1.3x a single call's time at 64
     * rows per group for a 100→64→2 MLP at batch 10k, 1.05x at ~500; for a logistic model, whose
     * rows cost 0.1 µs each, leaves of 16 rows took twice the time of one call.
     */
    static final int ROWS_PER_TOUCHED_GROUP = LEAF_ROWS;

    public RowGroups {
        if (rows < 0 || groupRows < 1) throw new IllegalArgumentException("rows " + rows + ", group rows " + groupRows);
    }

    /**
     * The groups of a training set of {@code rows} rows for batches of {@code batch} rows
     * (0 = full batch).
     */
    public static RowGroups forTraining(long rows, long batch) {
        long b = batch <= 0 || batch > rows ? rows : batch;
        long lo = Math.max(1, ceilDiv(rows, MAX_ROWS));
        long hi = Math.max(lo, Math.min(MAX_GROUPS, ceilDiv(rows, MIN_ROWS)));
        long groups = Math.max(lo, Math.min(hi, ceilDiv(b, ROWS_PER_TOUCHED_GROUP)));
        return new RowGroups(rows, (int) Math.max(1, ceilDiv(Math.max(1, rows), groups)));
    }

    /** The groups for sums over whole data sets (validation, evaluate): loss and counts only. */
    public static RowGroups forEvaluation(long rows) {
        return forTraining(rows, 0);
    }

    /** Number of groups (at least 1). */
    public int count() {
        return (int) Math.max(1, ceilDiv(rows, groupRows));
    }

    /** First row of group g. */
    public long start(int g) {
        return Math.min(rows, (long) g * groupRows);
    }

    /** The group holding row {@code row}. */
    public int groupOf(long row) {
        return (int) (row / groupRows);
    }

    /** One past the last group of the (whole-group) rows [first, first + n), n > 0. */
    public int endGroup(long first, long n) {
        return groupOf(first + n - 1) + 1;
    }

    /**
     * Leaf slots per group: a group's batch rows make at most ⌈G/512⌉ leaves, rounded up to a
     * power of two so that each group, and each aligned run of groups, is one node of the sum
     * tree: a partition's partial tree is then one or two vectors more often.
     */
    public int leavesPerGroup() {
        int s = (int) ceilDiv(groupRows, LEAF_ROWS);
        return Integer.bitCount(s) == 1 ? s : Integer.highestOneBit(s) << 1;
    }

    /** Leaf slots in the data set: the width of the sum tree. */
    public long leaves() {
        return (long) count() * leavesPerGroup();
    }

    /** First group of partition p of {@code parts}: partitions hold nearly equal runs of whole groups. */
    public int firstGroup(int p, int parts) {
        return (int) ((long) count() * p / parts);
    }

    /** First row of partition p of {@code parts}. */
    public long partitionStart(int p, int parts) {
        return start(firstGroup(p, parts));
    }

    /** The partition (of {@code parts}) holding row {@code row}. */
    public int partitionOf(long row, int parts) {
        int g = groupOf(row);
        int p = (int) Math.min(parts - 1, (long) g * parts / count());
        while (p + 1 < parts && firstGroup(p + 1, parts) <= g) p++;
        while (p > 0 && firstGroup(p, parts) > g) p--;
        return p;
    }

    /** Whether rows [first, first + n) are whole groups (the last group of the data may be short). */
    public boolean aligned(long first, long n) {
        long end = first + n;
        return first % groupRows == 0 && (end % groupRows == 0 || end == rows);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
