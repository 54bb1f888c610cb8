package dev.sparktrain.data;

/**
 * The order rows are visited in one epoch: identity without shuffling, otherwise a pseudo-random
 * permutation of [0, n) that depends only on (seed, epoch) — never on how rows are partitioned,
 * so any executor computes the same positions for its own rows without talking to the driver.
 * The permutation is a balanced Feistel network over the next even power of two with cycle
 * walking; both directions cost O(1) per row and need no n-sized table.
 */
public final class EpochOrder implements java.io.Serializable {
    private static final int ROUNDS = 6;

    private final long n;
    private final boolean shuffle;
    private final int halfBits;
    private final long halfMask;
    private final long[] keys = new long[ROUNDS];
    private final long key;

    public EpochOrder(long n, boolean shuffle, long seed, int epoch) {
        this(n, shuffle, mix(seed ^ 0x9E3779B97F4A7C15L * (epoch + 1L)));
    }

    /** The order whose {@link #size}, {@link #shuffled} and {@link #key} these are: what a task is told instead of the object. */
    public static EpochOrder ofKey(long n, boolean shuffled, long key) {
        return new EpochOrder(n, shuffled, key);
    }

    private EpochOrder(long n, boolean shuffle, long key) {
        this.n = n;
        this.shuffle = shuffle && n > 1;
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1)));
        if ((bits & 1) == 1) bits++;
        this.halfBits = bits / 2;
        this.halfMask = (1L << halfBits) - 1;
        this.key = key;
        long k = key;
        for (int r = 0; r < ROUNDS; r++) {
            k = mix(k + r + 1);
            keys[r] = k;
        }
    }

    public boolean shuffled() {
        return shuffle;
    }

    /** Identifies (seed, epoch): a block's cached order is reused only for the same key. */
    public long key() {
        return key;
    }

    public long size() {
        return n;
    }

    /** The position (0-based, in this epoch's order) at which row {@code row} is visited. */
    public long positionOf(long row) {
        if (!shuffle) return row;
        long v = row;
        do {
            v = encrypt(v);
        } while (v >= n);
        return v;
    }

    /** The row visited at position {@code pos}. */
    public long rowAt(long pos) {
        if (!shuffle) return pos;
        long v = pos;
        do {
            v = decrypt(v);
        } while (v >= n);
        return v;
    }

    private long encrypt(long v) {
        long l = v >>> halfBits;
        long r = v & halfMask;
        for (int i = 0; i < ROUNDS; i++) {
            long t = r;
            r = l ^ (mix(r ^ keys[i]) & halfMask);
            l = t;
        }
        return (l << halfBits) | r;
    }

    private long decrypt(long v) {
        long l = v >>> halfBits;
        long r = v & halfMask;
        for (int i = ROUNDS - 1; i >= 0; i--) {
            long t = l;
            l = r ^ (mix(l ^ keys[i]) & halfMask);
            r = t;
        }
        return (l << halfBits) | r;
    }

    /** SplitMix64's finaliser: a cheap, well-mixed 64-bit hash. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
