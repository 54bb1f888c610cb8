package dev.sparktrain.data;

import java.util.Arrays;

/**
 * CSR features: row r's non-zeros are {@code indices/values[rowPtr[r] .. rowPtr[r+1])}, the values
 * stored as float64 ({@link Float64}) or float32 ({@link Float32}).
 */
public abstract sealed class CsrBlock extends PackedBlock permits CsrBlock.Float64, CsrBlock.Float32 {
    private static final long serialVersionUID = 1L;
    /** Values widened at a time by {@link #addMoments}. */
    private static final int MOMENTS_CHUNK = 4096;

    private final int[] rowPtr;
    private final int[] indices;

    CsrBlock(long firstRow, int rows, int features, int targetWidth, int[] rowPtr, int[] indices, int values,
             double[] y, double[] w) {
        super(firstRow, rows, features, targetWidth, y, w);
        if (rowPtr.length != rows + 1 || indices.length != values || rowPtr[rows] != values) {
            throw new IllegalArgumentException("CSR arrays do not match " + rows + " rows");
        }
        this.rowPtr = rowPtr;
        this.indices = indices;
    }

    public int[] rowPtr() {
        return rowPtr;
    }

    public int[] indices() {
        return indices;
    }

    @Override
    public Storage storage() {
        return Storage.SPARSE;
    }

    @Override
    public long storedValues() {
        return indices.length;
    }

    @Override
    public long nonZeros() {
        return indices.length;
    }

    @Override
    long indexBytes() {
        return arrayBytes(rowPtr.length, 4) + arrayBytes(indices.length, 4);
    }

    /** Non-zeros of the rows {@link #gatherCsr} would copy. */
    public int csrNonZeros(int[] rows, int start, int m) {
        if (rows == null) return rowPtr[start + m] - rowPtr[start];
        int nz = 0;
        for (int i = 0; i < m; i++) nz += rowPtr[rows[start + i] + 1] - rowPtr[rows[start + i]];
        return nz;
    }

    /**
     * Copies the selected rows (as in {@link #gatherDense}) into CSR buffers starting at offset 0
     * ({@code outPtr} gets m + 1 entries), widening values to float64.
     */
    public void gatherCsr(int[] rows, int start, int m, int[] outPtr, int[] outIdx, double[] outVal, double[] outY) {
        int o = 0;
        outPtr[0] = 0;
        for (int i = 0; i < m; i++) {
            int r = row(rows, start, i);
            int len = rowPtr[r + 1] - rowPtr[r];
            System.arraycopy(indices, rowPtr[r], outIdx, o, len);
            o += len;
            outPtr[i + 1] = o;
        }
        gatherValues(rows, start, m, outPtr, outVal);
        gatherTargets(rows, start, m, outY);
    }

    /**
     * These rows with their column indices replaced by {@code indices} (one per non-zero) in a space
     * of {@code features} columns, sharing the row pointers, values, targets and weights: the
     * compact view a sharded partition computes in.
     */
    public abstract CsrBlock withColumns(int[] indices, int features);

    /** The selected rows' values, widened, at the offsets {@code outPtr} already holds. */
    abstract void gatherValues(int[] rows, int start, int m, int[] outPtr, double[] outVal);

    /**
     * Scatters the selected rows into dense rows. Allocates its CSR scratch: for loading and
     * tests; the step path gathers CSR rows with {@link #gatherCsr} into reused buffers.
     */
    @Override
    public void gatherDense(int[] rows, int start, int m, double[] outX, double[] outY) {
        int[] ptr = new int[m + 1];
        int[] idx = new int[csrNonZeros(rows, start, m)];
        double[] val = new double[idx.length];
        gatherCsr(rows, start, m, ptr, idx, val, outY);
        int d = features();
        Arrays.fill(outX, 0, m * d, 0.0);
        for (int i = 0; i < m; i++) for (int k = ptr[i]; k < ptr[i + 1]; k++) outX[i * d + idx[k]] = val[k];
    }

    @Override
    public void addMoments(int from, int to, double[] sum, double[] sumSq) {
        int end = rowPtr[to];
        double[] v = new double[Math.max(1, Math.min(end - rowPtr[from], MOMENTS_CHUNK))];
        for (int a = rowPtr[from]; a < end; a += v.length) {
            int n = Math.min(v.length, end - a);
            widen(a, n, v, 0);
            for (int k = 0; k < n; k++) {
                sum[indices[a + k]] += v[k];
                sumSq[indices[a + k]] += v[k] * v[k];
            }
        }
    }

    /** Float64 values: the sparse layout the kernel reads in place. */
    public static final class Float64 extends CsrBlock {
        private static final long serialVersionUID = 1L;

        private final double[] values;

        Float64(long firstRow, int rows, int features, int targetWidth, int[] rowPtr, int[] indices, double[] values,
             double[] y) {
            this(firstRow, rows, features, targetWidth, rowPtr, indices, values, y, null);
        }

        Float64(long firstRow, int rows, int features, int targetWidth, int[] rowPtr, int[] indices, double[] values,
             double[] y, double[] w) {
            super(firstRow, rows, features, targetWidth, rowPtr, indices, values.length, y, w);
            this.values = values;
        }

        @Override
        public Float64 withWeights(double[] w) {
            return new Float64(firstRow(), rows(), features(), targetWidth(), rowPtr(), indices(), values, y(), w);
        }

        @Override
        public Float64 withColumns(int[] indices, int features) {
            return new Float64(firstRow(), rows(), features, targetWidth(), rowPtr(), indices, values, y(), weights());
        }

        /** The non-zero values, row after row. */
        public double[] values() {
            return values;
        }

        @Override
        public Precision precision() {
            return Precision.FLOAT64;
        }

        @Override
        Object valueArray() {
            return values;
        }

        @Override
        void widen(int from, int n, double[] out, int at) {
            System.arraycopy(values, from, out, at, n);
        }

        @Override
        void gatherValues(int[] rows, int start, int m, int[] outPtr, double[] outVal) {
            int[] ptr = rowPtr();
            for (int i = 0; i < m; i++) {
                System.arraycopy(values, ptr[row(rows, start, i)], outVal, outPtr[i], outPtr[i + 1] - outPtr[i]);
            }
        }

        @Override
        public Float64 scaled(Standardizer st) {
            double[] std = st.std();
            int[] idx = indices();
            double[] v = values.clone();
            for (int k = 0; k < v.length; k++) v[k] = v[k] / std[idx[k]];
            return new Float64(firstRow(), rows(), features(), targetWidth(), rowPtr(), idx, v, y(), weights());
        }
    }

    /** Float32 values, widened to float64 when gathered. */
    public static final class Float32 extends CsrBlock {
        private static final long serialVersionUID = 1L;

        private final float[] values;

        Float32(long firstRow, int rows, int features, int targetWidth, int[] rowPtr, int[] indices, float[] values,
             double[] y) {
            this(firstRow, rows, features, targetWidth, rowPtr, indices, values, y, null);
        }

        Float32(long firstRow, int rows, int features, int targetWidth, int[] rowPtr, int[] indices, float[] values,
             double[] y, double[] w) {
            super(firstRow, rows, features, targetWidth, rowPtr, indices, values.length, y, w);
            this.values = values;
        }

        @Override
        public Float32 withWeights(double[] w) {
            return new Float32(firstRow(), rows(), features(), targetWidth(), rowPtr(), indices(), values, y(), w);
        }

        @Override
        public Float32 withColumns(int[] indices, int features) {
            return new Float32(firstRow(), rows(), features, targetWidth(), rowPtr(), indices, values, y(), weights());
        }

        /** The non-zero values, row after row. */
        public float[] values() {
            return values;
        }

        @Override
        public Precision precision() {
            return Precision.FLOAT32;
        }

        @Override
        Object valueArray() {
            return values;
        }

        @Override
        void widen(int from, int n, double[] out, int at) {
            for (int k = 0; k < n; k++) out[at + k] = values[from + k];
        }

        @Override
        void gatherValues(int[] rows, int start, int m, int[] outPtr, double[] outVal) {
            int[] ptr = rowPtr();
            for (int i = 0; i < m; i++) {
                int shift = ptr[row(rows, start, i)] - outPtr[i];
                for (int o = outPtr[i]; o < outPtr[i + 1]; o++) outVal[o] = values[o + shift];
            }
        }

        @Override
        public Float32 scaled(Standardizer st) {
            double[] std = st.std();
            int[] idx = indices();
            float[] v = values.clone();
            for (int k = 0; k < v.length; k++) v[k] = (float) (v[k] / std[idx[k]]);
            return new Float32(firstRow(), rows(), features(), targetWidth(), rowPtr(), idx, v, y(), weights());
        }
    }
}
