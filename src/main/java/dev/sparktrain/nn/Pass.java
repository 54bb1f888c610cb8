package dev.sparktrain.nn;

/**
 * How a forward/backward pass runs: PyTorch's train or eval mode and, in train mode, what a
 * row's random draws depend on. Training steps run in train mode; validation, {@code evaluate},
 * {@code predict} and the Spark ML {@code transform} in eval mode ({@link #EVAL}).
 *
 * <p>A draw (a dropout mask bit) is a hash of {@code (key, global row index, unit)}: the key
 * mixes the run's seed, the epoch and the step, and the row index is the row's place in the data
 * set. Nothing about partitions, task attempts or threads goes in, so a retried task, a resumed
 * run or another partitioning draws the same masks.
 *
 * <p>The kernel gives each chunk its rows' global indices through {@link #rows}; an instance is
 * owned by one thread.
 */
public final class Pass {
    /** Eval mode: dropout is the identity. */
    public static final Pass EVAL = new Pass(false, 0L);

    private final boolean training;
    private final long key;
    private long[] rowIds;
    private int rowOff;

    private Pass(boolean training, long key) {
        this.training = training;
        this.key = key;
    }

    /** The key of one step's draws: a mix of the run's epoch key (seed and epoch) and the step. */
    public static long stepKey(long epochKey, long step) {
        return mix(epochKey ^ 0xD1B54A32D192ED03L * (step + 1));
    }

    public boolean training() {
        return training;
    }

    /**
     * A training pass over rows whose global data-set indices are {@code ids} (row i of the
     * kernel call is {@code ids[i]}); null when no layer draws per row.
     */
    public static Pass training(long key, long[] ids) {
        Pass p = new Pass(true, key);
        p.rowIds = ids;
        return p;
    }

    /** The kernel's chunk starting at row {@code start} of the call: chunk row i is {@code ids[start + i]}. */
    void at(int start) {
        if (this != EVAL) rowOff = start;
    }

    /** The global data-set index of chunk row {@code i}. */
    long row(int i) {
        return rowIds[rowOff + i];
    }

    /** A uniform double in [0, 1) for (row, unit) of this pass, from 53 bits of the hash. */
    double uniform(int i, int unit) {
        long h = mix(key ^ mix(row(i) * 0x9E3779B97F4A7C15L + unit));
        return (h >>> 11) * 0x1.0p-53;
    }

    /** SplitMix64's finaliser: a bijective mix of 64 bits. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
