package dev.sparktrain.ml;

import dev.sparktrain.nn.BatchKernel;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

/**
 * Scores a chunk of feature vectors (at most {@link BatchKernel#CHUNK}) with one kernel call per
 * kind of row: the dense rows (and sparse rows the saved standardization centres) are packed
 * row-major and go through {@code forward}, the other sparse rows as CSR through
 * {@code forwardCsr} — the same kernel entry each row takes when scored alone, so a chunk's
 * outputs match the row-by-row path. One per thread (it holds the kernel's workspace).
 */
final class ChunkScorer {
    private final TrainedNet net;
    private final BatchKernel kernel;
    private final int d;
    private final int k;
    private final double[] x;
    private final int[] ptr = new int[BatchKernel.CHUNK + 1];
    private int[] idx = new int[0];
    private double[] val = new double[0];
    /** Position in the chunk of each dense / CSR row, in packing order. */
    private final int[] denseAt = new int[BatchKernel.CHUNK];
    private final int[] sparseAt = new int[BatchKernel.CHUNK];

    ChunkScorer(TrainedNet net) {
        this.net = net;
        this.kernel = net.newKernel();
        this.d = net.numFeatures();
        this.k = net.outputs();
        this.x = new double[BatchKernel.CHUNK * d];
    }

    /** Network outputs of {@code rows[0 .. m)} into {@code out[r * outputs ..]}; m at most CHUNK. */
    void score(Vector[] rows, int m, double[] out) {
        int nd = 0;
        int ns = 0;
        int nnz = 0;
        for (int r = 0; r < m; r++) {
            net.checkSize(rows[r]);
            if (net.scoresSparse(rows[r])) {
                sparseAt[ns++] = r;
                nnz += ((SparseVector) rows[r]).indices().length;
            } else {
                net.standardizedDense(rows[r], x, nd * d);
                denseAt[nd++] = r;
            }
        }
        double[] params = net.weightsView();
        if (nd > 0) copyOut(kernel.forward(params, x, 0, nd), denseAt, nd, out);
        if (ns > 0) {
            if (idx.length < nnz) {
                idx = new int[nnz];
                val = new double[nnz];
            }
            int at = 0;
            for (int i = 0; i < ns; i++) {
                SparseVector sv = (SparseVector) rows[sparseAt[i]];
                int[] ix = sv.indices();
                System.arraycopy(ix, 0, idx, at, ix.length);
                net.scaledSparse(sv, val, at);
                ptr[i] = at;
                at += ix.length;
            }
            ptr[ns] = at;
            copyOut(kernel.forwardCsr(params, ptr, idx, val, 0, ns), sparseAt, ns, out);
        }
    }

    private void copyOut(double[] y, int[] at, int n, double[] out) {
        for (int i = 0; i < n; i++) System.arraycopy(y, i * k, out, at[i] * k, k);
    }
}
