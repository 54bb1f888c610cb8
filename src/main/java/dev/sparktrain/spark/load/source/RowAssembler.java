package dev.sparktrain.spark.load.source;

import dev.sparktrain.data.PackedBlock;
import java.util.Arrays;

/**
 * One row's features on their way into a {@link PackedBlock.Builder}: a dense buffer for dense
 * storage, or (index, value) pairs for sparse storage — so a row of a million-feature sparse
 * vector is never spread over a million doubles.
 */
final class RowAssembler {
    private final boolean sparse;
    private final double[] dense;
    private int[] idx = new int[16];
    private double[] val = new double[16];
    private int nz;
    private final double[] target = new double[1];

    RowAssembler(int features, PackedBlock.Storage storage) {
        this.sparse = storage == PackedBlock.Storage.SPARSE;
        this.dense = sparse ? null : new double[features];
    }

    void reset() {
        if (sparse) nz = 0;
        else Arrays.fill(dense, 0.0);
    }

    /** Feature {@code j} = v (positions arrive in increasing order); refuses non-finite values. */
    void put(int j, double v, RowLayout layout, int column, RowLayout.Where where) {
        if (!Double.isFinite(v)) {
            throw layout.bad(where, "feature column '" + layout.names[column] + "' has " + v + "; features must be finite numbers");
        }
        if (!sparse) {
            dense[j] = v;
        } else if (v != 0) {
            if (nz == idx.length) {
                idx = Arrays.copyOf(idx, nz * 2);
                val = Arrays.copyOf(val, nz * 2);
            }
            idx[nz] = j;
            val[nz++] = v;
        }
    }

    void addTo(PackedBlock.Builder b, double y) {
        target[0] = y;
        if (sparse) b.addSparse(idx, val, nz, target);
        else b.addDense(dense, target);
    }
}
