package dev.sparktrain.train;

import dev.sparktrain.data.BlockSlice;
import dev.sparktrain.data.CsrBlock;
import dev.sparktrain.data.DenseBlock;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Layer;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Pass;
import dev.sparktrain.nn.Sequential;

/**
 * What one partition does for one step: find its rows of the global mini-batch and run the
 * kernel on them. Dense float64 and CSR float64 blocks are read in place when the rows are
 * contiguous; otherwise (shuffled rows, float32 storage) rows are gathered, and widened to
 * float64, {@link BatchKernel#CHUNK} rows at a time, so scratch memory stays bounded even for a
 * full-batch step; a float32 model ({@link dev.sparktrain.nn.Precision}) reads float32 rows as
 * stored, without widening. Training runs in train mode ({@link Pass}): when a layer draws per row
 * (Dropout), the rows' global indices go with them, whichever way they were read. Plain Java: the
 * local trainer and the Spark tasks both call it. One instance per thread (it owns scratch buffers).
 */
public final class BlockWorker {
    private static final int CHUNK = BatchKernel.CHUNK;

    private final BatchKernel kernel;
    /** Whether a training pass needs the rows' global indices (some layer draws per row). */
    private final boolean drawsPerRow;
    private double[] gx = new double[0];
    private float[] gx32 = new float[0];
    private double[] gy = new double[0];
    private double[] gw = new double[0];
    private int[] gptr = new int[0];
    private int[] gidx = new int[0];

    public BlockWorker(Sequential model, Loss loss) {
        this.kernel = new BatchKernel(model, loss);
        this.drawsPerRow = model.layers().stream().anyMatch(Layer::drawsPerRow);
    }

    public int sumsLength() {
        return kernel.sumsLength();
    }

    /** Adds this block's share of global batch [from, to) of the epoch's order into sums (train mode). */
    public void accumulate(PackedBlock b, EpochOrder order, int epoch, long from, long to, double[] params, double[] sums) {
        run(b, b.slice(order, epoch, from, to), params, sums, true, stepKey(order, from));
    }

    /**
     * Adds the gradient and stats of the given rows of a block into sums, in train mode with the
     * step's draws keyed by {@code stepKey} ({@link #stepKey}).
     */
    public void accumulate(PackedBlock b, BlockSlice rows, double[] params, double[] sums, long stepKey) {
        run(b, rows, params, sums, true, stepKey);
    }

    /**
     * The key of a training step's random draws: the epoch order's key (seed and epoch) mixed with
     * the batch's first position, which names the step within the epoch.
     */
    public static long stepKey(EpochOrder order, long from) {
        return Pass.stepKey(order.key(), from);
    }

    /** Adds the loss, normalizer, rows and correct counts of the whole block (no gradient). */
    public void evaluate(PackedBlock b, double[] params, double[] sums) {
        run(b, BlockSlice.range(0, b.rows()), params, sums, false, 0);
    }

    /**
     * The loss, normalizer, rows and correct counts ({@link BatchKernel#STATS} values) of the
     * given rows: the kernel finds the stats at the end of its sums vector, and the forward pass
     * writes no gradient, so a stats-only vector will do.
     */
    public double[] evaluateStats(PackedBlock b, BlockSlice rows, double[] params) {
        double[] stats = new double[BatchKernel.STATS];
        run(b, rows, params, stats, false, 0);
        return stats;
    }

    /**
     * The model's outputs for rows [row, row+m) of a block ({@code m <= BatchKernel.CHUNK}), any
     * layout: {@code out[i*c + j]} for row {@code row + i}. The buffer is reused by the next call.
     */
    public double[] forward(PackedBlock b, int row, int m, double[] params) {
        if (b instanceof DenseBlock.Float64 d) return kernel.forward(params, d.x(), row * d.features(), m);
        if (b instanceof CsrBlock.Float64 c) return kernel.forwardCsr(params, c.rowPtr(), c.indices(), c.values(), row, m);
        if (b instanceof DenseBlock.Float32 f && kernel.float32()) return kernel.forward(params, f.x(), row * f.features(), m);
        gather(b, null, row, m);
        return b instanceof CsrBlock ? kernel.forwardCsr(params, gptr, gidx, gx, 0, m) : kernel.forward(params, gx, 0, m);
    }

    private void run(PackedBlock b, BlockSlice s, double[] params, double[] sums, boolean backward, long stepKey) {
        int n = s.length();
        if (n == 0) return;
        double[] w = b.weights();
        if (s.contiguous() && b instanceof DenseBlock.Float64 d) {
            dense(params, d.x(), d.y(), w, s.start(), n, sums, backward ? pass(b, s, 0, n, stepKey) : null);
            return;
        }
        if (s.contiguous() && b instanceof DenseBlock.Float32 f && kernel.float32()) {
            dense32(params, f.x(), f.y(), w, s.start(), n, sums, backward ? pass(b, s, 0, n, stepKey) : null);
            return;
        }
        if (s.contiguous() && b instanceof CsrBlock.Float64 c) {
            csr(params, c.rowPtr(), c.indices(), c.values(), c.y(), w, s.start(), n, sums, backward ? pass(b, s, 0, n, stepKey) : null);
            return;
        }
        int[] rows = s.rows();
        int base = s.contiguous() ? s.start() : 0;
        boolean sparse = b instanceof CsrBlock;
        DenseBlock.Float32 asStored = kernel.float32() && b instanceof DenseBlock.Float32 f ? f : null;
        for (int c = 0; c < n; c += CHUNK) {
            int m = Math.min(CHUNK, n - c);
            if (asStored != null) gather32(asStored, rows, base + c, m);
            else gather(b, rows, base + c, m);
            double[] mw = w == null ? null : gatherWeights(b, rows, base + c, m);
            Pass pass = backward ? pass(b, s, c, m, stepKey) : null;
            if (sparse) csr(params, gptr, gidx, gx, gy, mw, 0, m, sums, pass);
            else if (asStored != null) dense32(params, gx32, gy, mw, 0, m, sums, pass);
            else dense(params, gx, gy, mw, 0, m, sums, pass);
        }
    }

    /** The training pass over rows [from, from+m) of slice s, with their global indices when a layer draws per row. */
    private Pass pass(PackedBlock b, BlockSlice s, int from, int m, long stepKey) {
        if (!drawsPerRow) return Pass.training(stepKey, null);
        long[] ids = new long[m];
        for (int i = 0; i < m; i++) ids[i] = b.firstRow() + (s.contiguous() ? s.start() + from + i : s.rows()[from + i]);
        return Pass.training(stepKey, ids);
    }

    /** Gathers the selected rows into float64 scratch: dense rows into gx, CSR into gptr/gidx/gx; targets into gy. */
    private void gather(PackedBlock b, int[] rows, int start, int m) {
        int tw = b.targetWidth();
        if (gy.length < m * tw) gy = new double[m * tw];
        if (b instanceof CsrBlock s) {
            int nz = s.csrNonZeros(rows, start, m);
            if (gptr.length < m + 1) gptr = new int[m + 1];
            if (gidx.length < nz) gidx = new int[nz];
            if (gx.length < nz) gx = new double[nz];
            s.gatherCsr(rows, start, m, gptr, gidx, gx, gy);
        } else {
            int d = b.features();
            if (gx.length < m * d) gx = new double[m * d];
            b.gatherDense(rows, start, m, gx, gy);
        }
    }

    /** Gathers float32 rows as stored into float scratch (a float32 model reads them without widening). */
    private void gather32(DenseBlock.Float32 b, int[] rows, int start, int m) {
        int d = b.features();
        if (gx32.length < m * d) gx32 = new float[m * d];
        if (gy.length < m * b.targetWidth()) gy = new double[m * b.targetWidth()];
        b.gatherDense(rows, start, m, gx32, gy);
    }

    /** The selected rows' sample weights into scratch (weighted blocks only). */
    private double[] gatherWeights(PackedBlock b, int[] rows, int start, int m) {
        if (gw.length < m) gw = new double[m];
        b.gatherWeights(rows, start, m, gw);
        return gw;
    }

    /** A training step's gradient with {@code pass}, or (pass null) an evaluation's stats. */
    private void dense(double[] params, double[] x, double[] y, double[] w, int start, int n, double[] sums, Pass pass) {
        if (pass != null) kernel.accumulate(params, x, y, w, start, n, sums, pass);
        else kernel.evaluate(params, x, y, w, start, n, sums);
    }

    private void dense32(double[] params, float[] x, double[] y, double[] w, int start, int n, double[] sums, Pass pass) {
        if (pass != null) kernel.accumulate(params, x, y, w, start, n, sums, pass);
        else kernel.evaluate(params, x, y, w, start, n, sums);
    }

    private void csr(double[] params, int[] ptr, int[] idx, double[] val, double[] y, double[] w, int start, int n, double[] sums,
                     Pass pass) {
        if (pass != null) kernel.accumulateCsr(params, ptr, idx, val, y, w, start, n, sums, pass);
        else kernel.evaluateCsr(params, ptr, idx, val, y, w, start, n, sums);
    }
}
