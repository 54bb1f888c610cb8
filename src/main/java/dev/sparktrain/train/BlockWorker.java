package dev.sparktrain.train;

import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Sequential;

/**
 * What one partition does for one step: find its rows of the global mini-batch, gather them if
 * they are not contiguous, and run the kernel. Plain Java: the local trainer and the Spark tasks
 * both call it. One instance per thread (it owns scratch buffers).
 */
public final class BlockWorker {
    private final BatchKernel kernel;
    private double[] gx = new double[0];
    private double[] gy = new double[0];

    public BlockWorker(Sequential model, Loss loss) {
        this.kernel = new BatchKernel(model, loss);
    }

    public int sumsLength() {
        return kernel.sumsLength();
    }

    /** Adds this block's share of global batch [from, to) of the epoch's order into sums. */
    public void accumulate(PackedBlock b, EpochOrder order, int epoch, long from, long to, double[] params, double[] sums) {
        PackedBlock.Slice s = b.slice(order, epoch, from, to);
        if (s.length() == 0) return;
        if (s.contiguous()) {
            kernel.accumulate(params, b.x(), b.y(), s.start(), s.length(), sums);
            return;
        }
        gather(b, s.rows());
        kernel.accumulate(params, gx, gy, 0, s.length(), sums);
    }

    /** Adds the loss, normalizer, rows and correct counts of the whole block (no gradient). */
    public void evaluate(PackedBlock b, double[] params, double[] sums) {
        if (b.rows() > 0) kernel.evaluate(params, b.x(), b.y(), 0, b.rows(), sums);
    }

    private void gather(PackedBlock b, int[] rows) {
        int d = b.features();
        int tw = b.targetWidth();
        if (gx.length < rows.length * d) gx = new double[rows.length * d];
        if (gy.length < rows.length * tw) gy = new double[rows.length * tw];
        double[] x = b.x();
        double[] y = b.y();
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(x, rows[i] * d, gx, i * d, d);
            System.arraycopy(y, rows[i] * tw, gy, i * tw, tw);
        }
    }
}
