package dev.sparktrain.train;

import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Sequential;

/**
 * What one partition does for one step: find its rows of the global mini-batch and run the
 * kernel on them. Dense float64 and CSR float64 blocks are read in place when the rows are
 * contiguous; otherwise (shuffled rows, float32 storage) rows are gathered, and widened to
 * float64, {@link BatchKernel#CHUNK} rows at a time, so scratch memory stays bounded even for a
 * full-batch step. Plain Java: the local trainer and the Spark tasks both call it. One instance
 * per thread (it owns scratch buffers).
 */
public final class BlockWorker {
    private static final int CHUNK = BatchKernel.CHUNK;

    private final BatchKernel kernel;
    private double[] gx = new double[0];
    private double[] gy = new double[0];
    private int[] gptr = new int[0];
    private int[] gidx = new int[0];

    public BlockWorker(Sequential model, Loss loss) {
        this.kernel = new BatchKernel(model, loss);
    }

    public int sumsLength() {
        return kernel.sumsLength();
    }

    /** Adds this block's share of global batch [from, to) of the epoch's order into sums. */
    public void accumulate(PackedBlock b, EpochOrder order, int epoch, long from, long to, double[] params, double[] sums) {
        run(b, b.slice(order, epoch, from, to), params, sums, true);
    }

    /** Adds the gradient and stats of the given rows of a block into sums. */
    public void accumulate(PackedBlock b, PackedBlock.Slice rows, double[] params, double[] sums) {
        run(b, rows, params, sums, true);
    }

    /** Adds the loss, normalizer, rows and correct counts of the whole block (no gradient). */
    public void evaluate(PackedBlock b, double[] params, double[] sums) {
        run(b, PackedBlock.Slice.range(0, b.rows()), params, sums, false);
    }

    /**
     * The model's outputs for rows [row, row+m) of a block ({@code m <= BatchKernel.CHUNK}), any
     * layout: {@code out[i*c + j]} for row {@code row + i}. The buffer is reused by the next call.
     */
    public double[] forward(PackedBlock b, int row, int m, double[] params) {
        if (b.isDense64()) return kernel.forward(params, b.x(), row * b.features(), m);
        if (b.isCsr64()) return kernel.forwardCsr(params, b.rowPtr(), b.indices(), b.values(), row, m);
        int tw = b.targetWidth();
        if (gy.length < m * tw) gy = new double[m * tw];
        if (b.storage() == PackedBlock.Storage.DENSE) {
            int d = b.features();
            if (gx.length < m * d) gx = new double[m * d];
            b.gatherDense(null, row, m, gx, gy);
            return kernel.forward(params, gx, 0, m);
        }
        int nz = b.csrNonZeros(null, row, m);
        if (gptr.length < m + 1) gptr = new int[m + 1];
        if (gidx.length < nz) gidx = new int[nz];
        if (gx.length < nz) gx = new double[nz];
        b.gatherCsr(null, row, m, gptr, gidx, gx, gy);
        return kernel.forwardCsr(params, gptr, gidx, gx, 0, m);
    }

    private void run(PackedBlock b, PackedBlock.Slice s, double[] params, double[] sums, boolean backward) {
        int n = s.length();
        if (n == 0) return;
        if (s.contiguous() && b.isDense64()) {
            if (backward) kernel.accumulate(params, b.x(), b.y(), s.start(), n, sums);
            else kernel.evaluate(params, b.x(), b.y(), s.start(), n, sums);
            return;
        }
        if (s.contiguous() && b.isCsr64()) {
            if (backward) kernel.accumulateCsr(params, b.rowPtr(), b.indices(), b.values(), b.y(), s.start(), n, sums);
            else kernel.evaluateCsr(params, b.rowPtr(), b.indices(), b.values(), b.y(), s.start(), n, sums);
            return;
        }
        int[] rows = s.rows();
        int base = s.contiguous() ? s.start() : 0;
        int tw = b.targetWidth();
        for (int c = 0; c < n; c += CHUNK) {
            int m = Math.min(CHUNK, n - c);
            if (gy.length < m * tw) gy = new double[m * tw];
            if (b.storage() == PackedBlock.Storage.DENSE) {
                int d = b.features();
                if (gx.length < m * d) gx = new double[m * d];
                b.gatherDense(rows, base + c, m, gx, gy);
                if (backward) kernel.accumulate(params, gx, gy, 0, m, sums);
                else kernel.evaluate(params, gx, gy, 0, m, sums);
            } else {
                int nz = b.csrNonZeros(rows, base + c, m);
                if (gptr.length < m + 1) gptr = new int[m + 1];
                if (gidx.length < nz) gidx = new int[nz];
                if (gx.length < nz) gx = new double[nz];
                b.gatherCsr(rows, base + c, m, gptr, gidx, gx, gy);
                if (backward) kernel.accumulateCsr(params, gptr, gidx, gx, gy, 0, m, sums);
                else kernel.evaluateCsr(params, gptr, gidx, gx, gy, 0, m, sums);
            }
        }
    }
}
