package dev.sparktrain.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * One partition's rows packed into primitive arrays. Features are stored either
 * <ul>
 *   <li><b>dense</b>: row-major {@code rows × features} values, or</li>
 *   <li><b>sparse (CSR)</b>: {@code rowPtr} ({@code rows + 1} offsets), column {@code indices} and
 *       {@code values} of the non-zeros, row after row,</li>
 * </ul>
 * with the values in float64 or float32 ({@link Precision}); targets are always float64,
 * {@code rows × targetWidth}. Computation is float64: float32 values are widened when rows are
 * gathered for the kernel. Rows are the contiguous global rows [firstRow, firstRow + rows) of the
 * data set, in data-set order. A cached RDD holds one block per partition, so a training step
 * touches arrays, never row objects.
 */
public final class PackedBlock implements Serializable {
    private static final long serialVersionUID = 2L;

    /** How features are laid out in memory. */
    public enum Storage { DENSE, SPARSE }

    /** The precision features are stored in (computation is always float64). */
    public enum Precision { FLOAT64, FLOAT32 }

    private final long firstRow;
    private final int rows;
    private final int features;
    private final int targetWidth;
    /** Dense values (rows × features) or CSR non-zero values; null when stored as float32. */
    private final double[] v64;
    /** The same as float32; null when stored as float64. */
    private final float[] v32;
    /** CSR row offsets (rows + 1) and column indices; null when dense. */
    private final int[] ptr;
    private final int[] idx;
    private final double[] y;

    /** This epoch's visiting order of our rows, computed once per epoch on the executor. */
    private transient volatile LocalOrder order;

    /** A dense float64 block: {@code x} is row-major {@code rows × features}. */
    public PackedBlock(long firstRow, int rows, int features, int targetWidth, double[] x, double[] y) {
        this(firstRow, rows, features, targetWidth, x, null, null, null, y);
    }

    private PackedBlock(long firstRow, int rows, int features, int targetWidth, double[] v64, float[] v32,
                        int[] ptr, int[] idx, double[] y) {
        if ((v64 == null) == (v32 == null)) throw new IllegalArgumentException("exactly one value array expected");
        long values = v64 != null ? v64.length : v32.length;
        if (y.length != (long) rows * targetWidth) throw new IllegalArgumentException("targets do not match " + rows + " rows");
        if (ptr == null) {
            if (values != (long) rows * features) throw new IllegalArgumentException("block arrays do not match " + rows + " rows");
        } else if (ptr.length != rows + 1 || idx.length != values || ptr[rows] != values) {
            throw new IllegalArgumentException("CSR arrays do not match " + rows + " rows");
        }
        this.firstRow = firstRow;
        this.rows = rows;
        this.features = features;
        this.targetWidth = targetWidth;
        this.v64 = v64;
        this.v32 = v32;
        this.ptr = ptr;
        this.idx = idx;
        this.y = y;
    }

    /** A dense block stored as float32. */
    public static PackedBlock denseFloat(long firstRow, int rows, int features, int targetWidth, float[] x, double[] y) {
        return new PackedBlock(firstRow, rows, features, targetWidth, null, x, null, null, y);
    }

    /** A CSR block: row r's non-zeros are {@code indices/values[rowPtr[r] .. rowPtr[r+1])}. */
    public static PackedBlock csr(long firstRow, int rows, int features, int targetWidth, int[] rowPtr, int[] indices,
                                  double[] values, double[] y) {
        return new PackedBlock(firstRow, rows, features, targetWidth, values, null, rowPtr, indices, y);
    }

    /** A CSR block with float32 values. */
    public static PackedBlock csrFloat(long firstRow, int rows, int features, int targetWidth, int[] rowPtr, int[] indices,
                                       float[] values, double[] y) {
        return new PackedBlock(firstRow, rows, features, targetWidth, null, values, rowPtr, indices, y);
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

    public Storage storage() {
        return ptr == null ? Storage.DENSE : Storage.SPARSE;
    }

    public Precision precision() {
        return v64 != null ? Precision.FLOAT64 : Precision.FLOAT32;
    }

    /** True for dense float64 storage, which the kernel reads in place. */
    public boolean isDense64() {
        return ptr == null && v64 != null;
    }

    /** True for CSR float64 storage, which the kernel reads in place. */
    public boolean isCsr64() {
        return ptr != null && v64 != null;
    }

    /** Dense float64 features, row-major; only for {@link #isDense64()} blocks. */
    public double[] x() {
        if (!isDense64()) throw new IllegalStateException("not a dense float64 block (" + describe() + ")");
        return v64;
    }

    /** CSR arrays (float64 values); only for {@link #isCsr64()} blocks. */
    public int[] rowPtr() {
        return ptr;
    }

    public int[] indices() {
        return idx;
    }

    public double[] values() {
        if (!isCsr64()) throw new IllegalStateException("not a CSR float64 block (" + describe() + ")");
        return v64;
    }

    public double[] y() {
        return y;
    }

    /** Stored feature values: rows × features for dense blocks, the non-zeros for CSR. */
    public long storedValues() {
        return v64 != null ? v64.length : v32.length;
    }

    /** Non-zero features (counted for dense blocks). */
    public long nonZeros() {
        if (ptr != null) return storedValues();
        long nz = 0;
        if (v64 != null) {
            for (double v : v64) if (v != 0) nz++;
        } else {
            for (float v : v32) if (v != 0) nz++;
        }
        return nz;
    }

    /** e.g. "dense float64" or "sparse float32". */
    public String describe() {
        return storage().name().toLowerCase() + " " + precision().name().toLowerCase();
    }

    /** Bytes held by the block: its arrays (with their 16-byte headers) and the object itself. */
    public long bytes() {
        long b = 48 + arrayBytes(y.length, 8);
        b += v64 != null ? arrayBytes(v64.length, 8) : arrayBytes(v32.length, 4);
        if (ptr != null) b += arrayBytes(ptr.length, 4) + arrayBytes(idx.length, 4);
        return b;
    }

    private static long arrayBytes(long n, int each) {
        return 16 + ((n * each + 7) & ~7L);
    }

    // ---------------------------------------------------------------- gathering (float64 out)

    /**
     * Copies rows {@code rows[start .. start+m)} (or the range {@code [start, start+m)} when
     * {@code rows} is null) into {@code outX} (dense, row-major, float64) and their targets into
     * {@code outY}.
     */
    public void gatherDense(int[] rows, int start, int m, double[] outX, double[] outY) {
        int d = features;
        for (int i = 0; i < m; i++) {
            int r = rows == null ? start + i : rows[start + i];
            int o = i * d;
            if (ptr == null) {
                if (v64 != null) System.arraycopy(v64, r * d, outX, o, d);
                else for (int j = 0, s = r * d; j < d; j++) outX[o + j] = v32[s + j];
            } else {
                Arrays.fill(outX, o, o + d, 0.0);
                for (int k = ptr[r]; k < ptr[r + 1]; k++) outX[o + idx[k]] = v64 != null ? v64[k] : v32[k];
            }
            System.arraycopy(y, r * targetWidth, outY, i * targetWidth, targetWidth);
        }
    }

    /** Non-zeros of the rows {@link #gatherCsr} would copy (CSR blocks only). */
    public int csrNonZeros(int[] rows, int start, int m) {
        if (rows == null) return ptr[start + m] - ptr[start];
        int nz = 0;
        for (int i = 0; i < m; i++) nz += ptr[rows[start + i] + 1] - ptr[rows[start + i]];
        return nz;
    }

    /**
     * Copies the selected rows of a CSR block into CSR buffers starting at offset 0
     * ({@code outPtr} gets m + 1 entries), widening values to float64.
     */
    public void gatherCsr(int[] rows, int start, int m, int[] outPtr, int[] outIdx, double[] outVal, double[] outY) {
        int o = 0;
        outPtr[0] = 0;
        for (int i = 0; i < m; i++) {
            int r = rows == null ? start + i : rows[start + i];
            int a = ptr[r];
            int len = ptr[r + 1] - a;
            System.arraycopy(idx, a, outIdx, o, len);
            if (v64 != null) System.arraycopy(v64, a, outVal, o, len);
            else for (int k = 0; k < len; k++) outVal[o + k] = v32[a + k];
            o += len;
            outPtr[i + 1] = o;
            System.arraycopy(y, r * targetWidth, outY, i * targetWidth, targetWidth);
        }
    }

    // ---------------------------------------------------------------- whole-block operations

    /** The rows {@code local[0 .. count)} (in that order) as a new block starting at global row {@code newFirst}. */
    public PackedBlock select(int[] local, int count, long newFirst) {
        long values = ptr == null ? (long) count * features : 0;
        if (ptr != null) for (int i = 0; i < count; i++) values += ptr[local[i] + 1] - ptr[local[i]];
        Builder b = new Builder(features, targetWidth, storage(), precision(), count, values);
        for (int i = 0; i < count; i++) b.copyRow(this, local[i]);
        return b.build(newFirst);
    }

    /** Rows [lo, hi) as a new block starting at global row {@code newFirst}. */
    public PackedBlock range(int lo, int hi, long newFirst) {
        long values = ptr == null ? (long) (hi - lo) * features : ptr[hi] - ptr[lo];
        Builder b = new Builder(features, targetWidth, storage(), precision(), hi - lo, values);
        for (int r = lo; r < hi; r++) b.copyRow(this, r);
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
        for (PackedBlock p : parts) for (int r = 0; r < p.rows; r++) b.copyRow(p, r);
        return b.build(firstRow);
    }

    /** Adds every feature's sum and sum of squares over our rows into {@code sum} and {@code sumSq}. */
    public void addMoments(double[] sum, double[] sumSq) {
        if (ptr == null) {
            int d = features;
            for (int r = 0; r < rows; r++) {
                int o = r * d;
                for (int j = 0; j < d; j++) {
                    double v = v64 != null ? v64[o + j] : v32[o + j];
                    sum[j] += v;
                    sumSq[j] += v * v;
                }
            }
        } else {
            for (int k = 0; k < idx.length; k++) {
                double v = v64 != null ? v64[k] : v32[k];
                sum[idx[k]] += v;
                sumSq[idx[k]] += v * v;
            }
        }
    }

    /**
     * This block with features scaled by {@code st}: dense blocks get {@code (x - mean) / std};
     * CSR blocks only {@code x / std} on their non-zeros (centering would make every zero
     * non-zero), so a sparse Standardizer has a zero mean.
     */
    public PackedBlock scaled(Standardizer st) {
        double[] mean = st.mean();
        double[] std = st.std();
        if (ptr == null) {
            int d = features;
            if (v64 != null) {
                double[] x = v64.clone();
                for (int i = 0; i < x.length; i++) x[i] = (x[i] - mean[i % d]) / std[i % d];
                return new PackedBlock(firstRow, rows, d, targetWidth, x, null, null, null, y);
            }
            float[] x = v32.clone();
            for (int i = 0; i < x.length; i++) x[i] = (float) ((x[i] - mean[i % d]) / std[i % d]);
            return new PackedBlock(firstRow, rows, d, targetWidth, null, x, null, null, y);
        }
        if (v64 != null) {
            double[] v = v64.clone();
            for (int k = 0; k < v.length; k++) v[k] = v[k] / std[idx[k]];
            return new PackedBlock(firstRow, rows, features, targetWidth, v, null, ptr, idx, y);
        }
        float[] v = v32.clone();
        for (int k = 0; k < v.length; k++) v[k] = (float) (v[k] / std[idx[k]]);
        return new PackedBlock(firstRow, rows, features, targetWidth, null, v, ptr, idx, y);
    }

    // ---------------------------------------------------------------- epoch order

    /**
     * The local rows this block contributes to positions [from, to) of the epoch's order, in
     * ascending row order: a mini-batch is a set, its loss and gradient a sum over it, and
     * gathering rows in memory order is faster than in visiting order (the sum differs only by
     * rounding). Without shuffling, or when the batch holds every row of the block (a full-batch
     * step), the result is a range and no epoch order is computed.
     */
    public Slice slice(EpochOrder epochOrder, int epoch, long from, long to) {
        if (!epochOrder.shuffled() || (from <= 0 && to >= epochOrder.size())) {
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
        if (b <= a) return Slice.EMPTY;
        if (b - a == rows) return Slice.range(0, rows);
        int[] picked = Arrays.copyOfRange(o.localRows, a, b);
        Arrays.sort(picked);
        return Slice.rows(picked);
    }

    private static int lowerBound(long[] sorted, long key) {
        int i = Arrays.binarySearch(sorted, key);
        return i >= 0 ? i : -i - 1;
    }

    /** Local rows, or a contiguous range of them, taking part in one step. */
    public record Slice(int start, int length, int[] rows) {
        static final Slice EMPTY = new Slice(0, 0, null);

        public static Slice range(int start, int length) {
            return new Slice(start, length, null);
        }

        static Slice rows(int[] rows) {
            return new Slice(0, rows.length, rows);
        }

        public boolean contiguous() {
            return rows == null;
        }

        /** Part {@code i} of {@code k} nearly equal consecutive parts (for threads within one task). */
        public Slice part(int i, int k) {
            int a = (int) ((long) length * i / k);
            int b = (int) ((long) length * (i + 1) / k);
            if (b <= a) return EMPTY;
            return rows == null ? range(start + a, b - a) : rows(Arrays.copyOfRange(rows, a, b));
        }
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

    // ---------------------------------------------------------------- building

    /**
     * Packs rows one at a time into a block of the chosen layout: dense rows given to a sparse
     * builder keep only their non-zeros, sparse rows given to a dense builder are scattered.
     * Arrays grow by doubling and are trimmed by {@link #build}.
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

        /** Adds a dense row {@code x[0 .. features)} with targets {@code t[0 .. targetWidth)}. */
        public void addDense(double[] x, double[] t) {
            startRow(t);
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
            startRow(t);
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

        /** Copies row r of a block with the same features, target width, storage and precision. */
        void copyRow(PackedBlock b, int r) {
            ensureRows();
            System.arraycopy(b.y, r * targetWidth, y, rows * targetWidth, targetWidth);
            if (sparse) {
                int a = b.ptr[r];
                int len = b.ptr[r + 1] - a;
                ensureValues((long) nnz + len);
                System.arraycopy(b.idx, a, idx, nnz, len);
                if (f32) System.arraycopy(b.v32, a, v32, nnz, len);
                else System.arraycopy(b.v64, a, v64, nnz, len);
                nnz += len;
            } else {
                ensureValues((long) rows * features + features);
                if (f32) System.arraycopy(b.v32, r * features, v32, rows * features, features);
                else System.arraycopy(b.v64, r * features, v64, rows * features, features);
            }
            endRow();
        }

        private void startRow(double[] t) {
            ensureRows();
            System.arraycopy(t, 0, y, rows * targetWidth, targetWidth);
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
            double[] yy = y.length == rows * targetWidth ? y : Arrays.copyOf(y, rows * targetWidth);
            int values = sparse ? nnz : rows * features;
            if (sparse) {
                int[] p = ptr.length == rows + 1 ? ptr : Arrays.copyOf(ptr, rows + 1);
                int[] ix = idx.length == values ? idx : Arrays.copyOf(idx, values);
                return f32 ? csrFloat(firstRow, rows, features, targetWidth, p, ix, trim(v32, values), yy)
                        : csr(firstRow, rows, features, targetWidth, p, ix, trim(v64, values), yy);
            }
            return f32 ? denseFloat(firstRow, rows, features, targetWidth, trim(v32, values), yy)
                    : new PackedBlock(firstRow, rows, features, targetWidth, trim(v64, values), yy);
        }

        private static double[] trim(double[] a, int n) {
            return a.length == n ? a : Arrays.copyOf(a, n);
        }

        private static float[] trim(float[] a, int n) {
            return a.length == n ? a : Arrays.copyOf(a, n);
        }
    }
}
