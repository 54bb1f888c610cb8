package dev.sparktrain.spark;

import dev.sparktrain.optim.clip.GradientClipper;
import dev.sparktrain.optim.clip.NormPieces;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The gradient norm of the sharded step: each owner computes its pieces' partial sums, the driver
 * combines them in piece order into what the clipper's {@code clip} returns (the 2-norm when
 * nothing clips), and each owner clips its slice with it. Slices start and end on piece
 * boundaries, so this is the driver-side step's norm, bit for bit.
 */
public final class SliceNorm implements Serializable {
    private static final long serialVersionUID = 1L;
    private final GradientClipper clipper;
    private final NormPieces pieces;

    /**
     * @param clipper null for none: the logged 2-norm is then summed over blocks of the whole
     *                vector, as {@code Trainer} sums it
     */
    public SliceNorm(GradientClipper clipper, int paramCount) {
        this.clipper = clipper;
        this.pieces = clipper != null ? clipper.pieces() : new NormPieces(new int[] {paramCount});
    }

    /**
     * {@code min(maxShards, pieces)} slices of about equal size, each ending on a piece boundary:
     * [b[k], b[k+1]) for k < b.length - 1.
     */
    int[] shardBounds(int maxShards) {
        int[] pb = pieces.boundaries();
        int last = pb.length - 1;
        long d = pb[last];
        int k = Math.max(1, Math.min(maxShards, last));
        int[] out = new int[k + 1];
        int j = 0;
        for (int s = 1; s < k; s++) {
            long target = d * s / k;
            int at = j + 1;
            while (at < last && pb[at] < target) at++;
            j = Math.min(at, last - (k - s)); // leave a boundary for each cut still to make
            out[s] = pb[j];
        }
        out[k] = (int) d;
        return out;
    }

    double[] partials(double[] g, int from, int to) {
        return clipper != null ? clipper.partials(g, from, to) : pieces.partials(g, from, to, 2.0);
    }

    double norm(double[] allPartials) {
        return clipper != null ? clipper.norm(allPartials) : pieces.norm2FromPartials(allPartials);
    }

    void clip(double[] g, int from, int to, double norm) {
        if (clipper != null) clipper.clipSlice(g, norm);
    }
}
