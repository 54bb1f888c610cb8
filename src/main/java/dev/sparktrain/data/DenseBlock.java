package dev.sparktrain.data;

/** Dense features, row-major {@code rows × features}, stored as float64 ({@link Float64}) or float32 ({@link Float32}). */
public abstract sealed class DenseBlock extends PackedBlock permits DenseBlock.Float64, DenseBlock.Float32 {
    private static final long serialVersionUID = 1L;

    DenseBlock(long firstRow, int rows, int features, int targetWidth, int values, double[] y, double[] w) {
        super(firstRow, rows, features, targetWidth, y, w);
        if (values != (long) rows * features) throw new IllegalArgumentException("block arrays do not match " + rows + " rows");
    }

    @Override
    public Storage storage() {
        return Storage.DENSE;
    }

    @Override
    public long storedValues() {
        return (long) rows() * features();
    }

    @Override
    public long nonZeros() {
        long nz = 0;
        double[] row = new double[features()];
        for (int r = 0; r < rows(); r++) {
            widen(r * row.length, row.length, row, 0);
            for (double v : row) if (v != 0) nz++;
        }
        return nz;
    }

    @Override
    public void addMoments(int from, int to, double[] sum, double[] sumSq) {
        int d = features();
        double[] row = new double[d];
        for (int r = from; r < to; r++) {
            widen(r * d, d, row, 0);
            for (int j = 0; j < d; j++) {
                sum[j] += row[j];
                sumSq[j] += row[j] * row[j];
            }
        }
    }

    @Override
    public final void gatherDense(int[] rows, int start, int m, double[] outX, double[] outY) {
        gatherValues(rows, start, m, features(), outX);
        gatherTargets(rows, start, m, outY);
    }

    /** The selected rows' {@code d} values each, widened, into {@code outX} (row-major from 0). */
    abstract void gatherValues(int[] rows, int start, int m, int d, double[] outX);

    /** Float64 features: the dense layout the kernel reads in place. */
    public static final class Float64 extends DenseBlock {
        private static final long serialVersionUID = 1L;

        private final double[] x;

        Float64(long firstRow, int rows, int features, int targetWidth, double[] x, double[] y) {
            this(firstRow, rows, features, targetWidth, x, y, null);
        }

        Float64(long firstRow, int rows, int features, int targetWidth, double[] x, double[] y, double[] w) {
            super(firstRow, rows, features, targetWidth, x.length, y, w);
            this.x = x;
        }

        @Override
        public Float64 withWeights(double[] w) {
            return new Float64(firstRow(), rows(), features(), targetWidth(), x, y(), w);
        }

        /** The features, row-major. */
        public double[] x() {
            return x;
        }

        @Override
        public Precision precision() {
            return Precision.FLOAT64;
        }

        @Override
        Object valueArray() {
            return x;
        }

        @Override
        void widen(int from, int n, double[] out, int at) {
            System.arraycopy(x, from, out, at, n);
        }

        @Override
        void gatherValues(int[] rows, int start, int m, int d, double[] outX) {
            for (int i = 0; i < m; i++) System.arraycopy(x, row(rows, start, i) * d, outX, i * d, d);
        }

        @Override
        public Float64 scaled(Standardizer st) {
            double[] mean = st.mean();
            double[] std = st.std();
            int d = features();
            double[] s = x.clone();
            for (int i = 0; i < s.length; i++) s[i] = (s[i] - mean[i % d]) / std[i % d];
            return new Float64(firstRow(), rows(), d, targetWidth(), s, y(), weights());
        }
    }

    /** Float32 features: half the memory, widened to float64 when gathered. */
    public static final class Float32 extends DenseBlock {
        private static final long serialVersionUID = 1L;

        private final float[] x;

        Float32(long firstRow, int rows, int features, int targetWidth, float[] x, double[] y) {
            this(firstRow, rows, features, targetWidth, x, y, null);
        }

        Float32(long firstRow, int rows, int features, int targetWidth, float[] x, double[] y, double[] w) {
            super(firstRow, rows, features, targetWidth, x.length, y, w);
            this.x = x;
        }

        @Override
        public Float32 withWeights(double[] w) {
            return new Float32(firstRow(), rows(), features(), targetWidth(), x, y(), w);
        }

        /** The features, row-major. */
        public float[] x() {
            return x;
        }

        @Override
        public Precision precision() {
            return Precision.FLOAT32;
        }

        @Override
        Object valueArray() {
            return x;
        }

        @Override
        void widen(int from, int n, double[] out, int at) {
            for (int k = 0; k < n; k++) out[at + k] = x[from + k];
        }

        @Override
        void gatherValues(int[] rows, int start, int m, int d, double[] outX) {
            for (int i = 0; i < m; i++) {
                for (int j = 0, a = row(rows, start, i) * d, o = i * d; j < d; j++) outX[o + j] = x[a + j];
            }
        }

        /** The selected rows as stored, float, into {@code outX} (row-major from 0), their targets into {@code outY}: for float32 models. */
        public void gatherDense(int[] rows, int start, int m, float[] outX, double[] outY) {
            int d = features();
            for (int i = 0; i < m; i++) System.arraycopy(x, row(rows, start, i) * d, outX, i * d, d);
            gatherTargets(rows, start, m, outY);
        }

        @Override
        public Float32 scaled(Standardizer st) {
            double[] mean = st.mean();
            double[] std = st.std();
            int d = features();
            float[] s = x.clone();
            for (int i = 0; i < s.length; i++) s[i] = (float) ((s[i] - mean[i % d]) / std[i % d]);
            return new Float32(firstRow(), rows(), d, targetWidth(), s, y(), weights());
        }
    }
}
