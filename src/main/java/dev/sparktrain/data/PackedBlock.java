package dev.sparktrain.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * One partition's rows packed into primitive arrays, in one of four layouts, each a final class
 * holding exactly the arrays it needs:
 * <ul>
 *   <li>{@link DenseBlock.Float64} / {@link DenseBlock.Float32}: row-major {@code rows × features}
 *       values;</li>
 *   <li>{@link CsrBlock.Float64} / {@link CsrBlock.Float32}: {@code rowPtr} ({@code rows + 1}
 *       offsets), column {@code indices} and {@code values} of the non-zeros, row after row.</li>
 * </ul>
 * Targets are always float64, {@code rows × targetWidth}. Computation is float64: float32 values
 * are widened when rows are gathered for the kernel. Rows are the contiguous global rows
 * [firstRow, firstRow + rows) of the data set, in data-set order. A cached RDD holds one block per
 * partition, so a training step touches arrays, never row objects.
 */
public abstract sealed class PackedBlock implements Serializable permits DenseBlock, CsrBlock {
    private static final long serialVersionUID = 3L;

    /** How features are laid out in memory. */
    public enum Storage { DENSE, SPARSE }

    /** The precision features are stored in (computation is always float64). */
    public enum Precision {
        FLOAT64(8), FLOAT32(4);

        private final int bytes;

        Precision(int bytes) {
            this.bytes = bytes;
        }

        /** Bytes per stored value. */
        public int bytes() {
            return bytes;
        }
    }

    private final long firstRow;
    private final int rows;
    private final int features;
    private final int targetWidth;
    private final double[] y;
    /** Per-row sample weights, or null: every row weighs 1 and nothing is multiplied. */
    private final double[] w;

    /** Made on the executor by the first shuffled step; holds this epoch's order of our rows. */
    private transient volatile EpochSlices slices;

    PackedBlock(long firstRow, int rows, int features, int targetWidth, double[] y, double[] w) {
        if (y.length != (long) rows * targetWidth) throw new IllegalArgumentException("targets do not match " + rows + " rows");
        if (w != null && w.length != rows) throw new IllegalArgumentException("weights do not match " + rows + " rows");
        this.firstRow = firstRow;
        this.rows = rows;
        this.features = features;
        this.targetWidth = targetWidth;
        this.y = y;
        this.w = w;
    }

    /** A dense float64 block: {@code x} is row-major {@code rows × features}. */
    public static DenseBlock.Float64 dense(long firstRow, int rows, int features, int targetWidth, double[] x,
                                           double[] y) {
        return new DenseBlock.Float64(firstRow, rows, features, targetWidth, x, y);
    }

    /** A dense block stored as float32. */
    public static DenseBlock.Float32 denseFloat(long firstRow, int rows, int features, int targetWidth, float[] x,
                                                double[] y) {
        return new DenseBlock.Float32(firstRow, rows, features, targetWidth, x, y);
    }

    /** A CSR block: row r's non-zeros are {@code indices/values[rowPtr[r] .. rowPtr[r+1])}. */
    public static CsrBlock.Float64 csr(long firstRow, int rows, int features, int targetWidth, int[] rowPtr,
                                       int[] indices, double[] values, double[] y) {
        return new CsrBlock.Float64(firstRow, rows, features, targetWidth, rowPtr, indices, values, y);
    }

    /** A CSR block with float32 values. */
    public static CsrBlock.Float32 csrFloat(long firstRow, int rows, int features, int targetWidth, int[] rowPtr,
                                            int[] indices, float[] values, double[] y) {
        return new CsrBlock.Float32(firstRow, rows, features, targetWidth, rowPtr, indices, values, y);
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

    public double[] y() {
        return y;
    }

    /** Per-row sample weights ({@code rows} values), or null when every row weighs 1. */
    public double[] weights() {
        return w;
    }

    /** This block with per-row sample weights {@code w} (null: none), sharing every other array. */
    public abstract PackedBlock withWeights(double[] w);

    public abstract Storage storage();

    public abstract Precision precision();

    /** Stored feature values: rows × features for dense blocks, the non-zeros for CSR. */
    public abstract long storedValues();

    /** Non-zero features (counted for dense blocks). */
    public abstract long nonZeros();

    /** e.g. "dense float64" or "sparse float32". */
    public String describe() {
        return storage().name().toLowerCase() + " " + precision().name().toLowerCase();
    }

    /** Bytes held by the block: its arrays (with their 16-byte headers) and the object itself. */
    public long bytes() {
        return 48 + arrayBytes(y.length, 8) + (w == null ? 0 : arrayBytes(w.length, 8))
                + arrayBytes(storedValues(), precision().bytes()) + indexBytes();
    }

    /** Bytes of the CSR offset and index arrays (none for dense blocks). */
    long indexBytes() {
        return 0;
    }

    static long arrayBytes(long n, int each) {
        return 16 + ((n * each + 7) & ~7L);
    }

    // ---------------------------------------------------------------- gathering (float64 out)

    /** Row i of a selection: {@code rows[start + i]}, or {@code start + i} when {@code rows} is null (a range). */
    static int row(int[] rows, int start, int i) {
        return rows == null ? start + i : rows[start + i];
    }

    /**
     * Copies rows {@code rows[start .. start+m)} (or the range {@code [start, start+m)} when
     * {@code rows} is null) into {@code outX} (dense, row-major, float64) and their targets into
     * {@code outY}.
     */
    public abstract void gatherDense(int[] rows, int start, int m, double[] outX, double[] outY);

    /** Copies the targets of the selected rows (as in {@link #gatherDense}) into {@code outY}. */
    final void gatherTargets(int[] rows, int start, int m, double[] outY) {
        int tw = targetWidth;
        for (int i = 0; i < m; i++) System.arraycopy(y, row(rows, start, i) * tw, outY, i * tw, tw);
    }

    /** Copies the weights of the selected rows (as in {@link #gatherDense}) into {@code outW}; the block must have weights. */
    public final void gatherWeights(int[] rows, int start, int m, double[] outW) {
        if (rows == null) System.arraycopy(w, start, outW, 0, m);
        else for (int i = 0; i < m; i++) outW[i] = w[rows[start + i]];
    }

    // ---------------------------------------------------------------- whole-block operations

    /** The feature value array, double[] or float[]: copied as is into blocks of the same layout. */
    abstract Object valueArray();

    /** Stored values {@code [from, from + n)}, widened to float64, into {@code out[at ..]}. */
    abstract void widen(int from, int n, double[] out, int at);

    /** The rows {@code local[0 .. count)} (in that order) as a new block starting at global row {@code newFirst}. */
    public PackedBlock select(int[] local, int count, long newFirst) {
        return copyRows(local, 0, count, newFirst);
    }

    /** Rows [lo, hi) as a new block starting at global row {@code newFirst}. */
    public PackedBlock range(int lo, int hi, long newFirst) {
        return copyRows(null, lo, hi - lo, newFirst);
    }

    private PackedBlock copyRows(int[] rows, int start, int m, long newFirst) {
        long values = (long) m * features;
        if (this instanceof CsrBlock s) values = s.csrNonZeros(rows, start, m);
        Builder b = new Builder(features, targetWidth, storage(), precision(), m, values);
        if (w != null) b.weighted();
        b.copyRows(this, rows, start, m);
        return b.build(newFirst);
    }

    /** Blocks with consecutive rows, in order, as one block (same layout as the parts). */
    public static PackedBlock concat(List<PackedBlock> parts, long firstRow, int features, int targetWidth,
                                     Storage storage, Precision precision) {
        int n = 0;
        long values = 0;
        for (PackedBlock p : parts) {
            n += p.rows;
            values += p.storedValues();
        }
        Builder b = new Builder(features, targetWidth, storage, precision, n, values);
        if (parts.stream().anyMatch(p -> p.w != null)) b.weighted();
        for (PackedBlock p : parts) b.copyRows(p, null, 0, p.rows);
        return b.build(firstRow);
    }

    /** Adds every feature's sum and sum of squares over our rows into {@code sum} and {@code sumSq}. */
    public void addMoments(double[] sum, double[] sumSq) {
        addMoments(0, rows, sum, sumSq);
    }

    /** {@link #addMoments(double[], double[])} over local rows [from, to), row by row in order. */
    public abstract void addMoments(int from, int to, double[] sum, double[] sumSq);

    /**
     * This block with features scaled by {@code st}: dense blocks get {@code (x - mean) / std};
     * CSR blocks only {@code x / std} on their non-zeros (centering would make every zero
     * non-zero), so a sparse Standardizer has a zero mean.
     */
    public abstract PackedBlock scaled(Standardizer st);

    // ---------------------------------------------------------------- epoch order

    /**
     * The local rows this block contributes to positions [from, to) of the epoch's order, in
     * ascending row order (see {@link EpochSlices}).
     */
    public BlockSlice slice(EpochOrder epochOrder, int epoch, long from, long to) {
        EpochSlices s = slices;
        if (s == null) slices = s = new EpochSlices(firstRow, rows);
        return s.slice(epochOrder, epoch, from, to);
    }

    // ---------------------------------------------------------------- building

    /**
     * Packs rows one at a time into a block of the chosen layout: dense rows given to a sparse
     * builder keep only their non-zeros, sparse rows given to a dense builder are scattered.
     * Values go to {@code v64} or {@code v32} by precision; {@code ptr} and {@code idx} exist
     * only for sparse storage. Arrays grow by half and are trimmed by {@link #build}.
     */
    public static final class Builder {
        private final int features;
        private final int targetWidth;
        private final boolean sparse;
        private final boolean f32;
        private int rows;
        private int nnz;
        private double[] v64;
        private float[] v32;
        private int[] ptr;
        private int[] idx;
        private double[] y;
        private double[] wts;   // null until weighted(): unweighted blocks carry no weight array
        private double nextWeight = 1;

        public Builder(int features, int targetWidth, Storage storage, Precision precision, int expectedRows) {
            this(features, targetWidth, storage, precision, expectedRows, -1);
        }

        /** With the exact number of stored values when known (CSR: non-zeros), so nothing grows. */
        Builder(int features, int targetWidth, Storage storage, Precision precision, int expectedRows, long expectedValues) {
            this.features = features;
            this.targetWidth = targetWidth;
            this.sparse = storage == Storage.SPARSE;
            this.f32 = precision == Precision.FLOAT32;
            int cap = Math.max(1, expectedRows);
            long want = expectedValues >= 0 ? expectedValues : sparse ? Math.max(16, cap) : (long) cap * features;
            int values = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(1, want));
            if (f32) v32 = new float[values];
            else v64 = new double[values];
            if (sparse) {
                ptr = new int[cap + 1];
                idx = new int[values];
            }
            y = new double[cap * targetWidth];
        }

        public int rows() {
            return rows;
        }

        /** Makes the block carry per-row sample weights (1 for rows added without {@link #weight}). */
        public Builder weighted() {
            if (wts == null) wts = new double[Math.max(1, y.length / Math.max(1, targetWidth))];
            return this;
        }

        /** The sample weight of the next row added (needs {@link #weighted}). */
        public void weight(double w) {
            nextWeight = w;
        }

        /** Adds a dense row {@code x[0 .. features)} with targets {@code t[0 .. targetWidth)}. */
        public void addDense(double[] x, double[] t) {
            startRow(t, 0);
            if (sparse) {
                for (int j = 0; j < features; j++) if (x[j] != 0) put(j, x[j]);
            } else {
                ensureValues((long) rows * features + features);
                int o = rows * features;
                if (f32) for (int j = 0; j < features; j++) v32[o + j] = (float) x[j];
                else System.arraycopy(x, 0, v64, o, features);
            }
            endRow();
        }

        /** Adds a sparse row: {@code nz} (index, value) pairs, indices in [0, features). */
        public void addSparse(int[] indices, double[] values, int nz, double[] t) {
            startRow(t, 0);
            if (sparse) {
                for (int k = 0; k < nz; k++) if (values[k] != 0) put(indices[k], values[k]);
            } else {
                ensureValues((long) rows * features + features);
                int o = rows * features;
                if (f32) {
                    Arrays.fill(v32, o, o + features, 0f);
                    for (int k = 0; k < nz; k++) v32[o + indices[k]] = (float) values[k];
                } else {
                    Arrays.fill(v64, o, o + features, 0.0);
                    for (int k = 0; k < nz; k++) v64[o + indices[k]] = values[k];
                }
            }
            endRow();
        }

        /**
         * Copies the selected rows (as in {@link PackedBlock#gatherDense}) of a block with the same
         * features, target width, storage and precision.
         */
        void copyRows(PackedBlock from, int[] sel, int start, int m) {
            Object src = from.valueArray();
            if (wts != null && from.w == null && m > 0) throw new IllegalArgumentException("cannot mix weighted and unweighted rows");
            if (from instanceof CsrBlock s) {
                for (int i = 0; i < m; i++) copyCsrRow(s.rowPtr(), s.indices(), src, from.y, from.w, row(sel, start, i));
            } else {
                for (int i = 0; i < m; i++) copyDenseRow(src, from.y, from.w, row(sel, start, i));
            }
        }

        private void copyCsrRow(int[] fromPtr, int[] fromIdx, Object src, double[] fromY, double[] fromW, int r) {
            if (wts != null) nextWeight = fromW[r];
            startRow(fromY, r * targetWidth);
            int a = fromPtr[r];
            int len = fromPtr[r + 1] - a;
            ensureValues((long) nnz + len);
            System.arraycopy(fromIdx, a, idx, nnz, len);
            System.arraycopy(src, a, f32 ? v32 : v64, nnz, len);
            nnz += len;
            endRow();
        }

        private void copyDenseRow(Object src, double[] fromY, double[] fromW, int r) {
            if (wts != null) nextWeight = fromW[r];
            startRow(fromY, r * targetWidth);
            ensureValues((long) rows * features + features);
            System.arraycopy(src, r * features, f32 ? v32 : v64, rows * features, features);
            endRow();
        }

        private void startRow(double[] t, int from) {
            ensureRows();
            System.arraycopy(t, from, y, rows * targetWidth, targetWidth);
            if (wts != null) {
                wts[rows] = nextWeight;
                nextWeight = 1;
            }
        }

        private void endRow() {
            rows++;
            if (sparse) ptr[rows] = nnz;
        }

        private void put(int j, double v) {
            ensureValues((long) nnz + 1);
            idx[nnz] = j;
            if (f32) v32[nnz] = (float) v;
            else v64[nnz] = v;
            nnz++;
        }

        private void ensureRows() {
            if ((long) (rows + 1) * targetWidth > y.length) y = Arrays.copyOf(y, grow(y.length, (long) (rows + 1) * targetWidth));
            if (sparse && rows + 2 > ptr.length) ptr = Arrays.copyOf(ptr, grow(ptr.length, rows + 2));
            if (wts != null && rows + 1 > wts.length) wts = Arrays.copyOf(wts, grow(wts.length, rows + 1));
        }

        private void ensureValues(long need) {
            int len = f32 ? v32.length : v64.length;
            if (need <= len) return;
            if (need > Integer.MAX_VALUE - 8) {
                throw new dev.sparktrain.SparkTrainException("a partition holds more than 2^31 feature values; "
                        + "use more partitions (data.partitions)");
            }
            int n = grow(len, need);
            if (f32) v32 = Arrays.copyOf(v32, n);
            else v64 = Arrays.copyOf(v64, n);
            if (sparse) idx = Arrays.copyOf(idx, n);
        }

        private static int grow(int len, long need) {
            return (int) Math.min(Integer.MAX_VALUE - 8, Math.max(need, len + (len >> 1) + 16L));
        }

        /** The packed block of every row added, its arrays trimmed to size. */
        public PackedBlock build(long firstRow) {
            PackedBlock b = buildUnweighted(firstRow);
            return wts == null ? b : b.withWeights(trim(wts, rows));
        }

        private PackedBlock buildUnweighted(long firstRow) {
            double[] yy = y.length == rows * targetWidth ? y : Arrays.copyOf(y, rows * targetWidth);
            int values = sparse ? nnz : rows * features;
            if (sparse) {
                int[] p = ptr.length == rows + 1 ? ptr : Arrays.copyOf(ptr, rows + 1);
                int[] ix = idx.length == values ? idx : Arrays.copyOf(idx, values);
                return f32 ? csrFloat(firstRow, rows, features, targetWidth, p, ix, trim(v32, values), yy)
                        : csr(firstRow, rows, features, targetWidth, p, ix, trim(v64, values), yy);
            }
            return f32 ? denseFloat(firstRow, rows, features, targetWidth, trim(v32, values), yy)
                    : dense(firstRow, rows, features, targetWidth, trim(v64, values), yy);
        }

        private static double[] trim(double[] a, int n) {
            return a.length == n ? a : Arrays.copyOf(a, n);
        }

        private static float[] trim(float[] a, int n) {
            return a.length == n ? a : Arrays.copyOf(a, n);
        }
    }
}
