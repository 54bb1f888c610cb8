package dev.sparktrain.optim.clip;

import java.io.Serializable;
import java.util.Arrays;

/**
 * The fixed pieces every gradient norm is summed over, so that owners of slices of the vector
 * (a sharded optimizer step) and the driver holding all of it get the same bits: each tensor cut
 * into blocks of {@link #BLOCK} values counted from the tensor's own start. Each piece's partials
 * ({@link #WIDTH} numbers, see {@link Norms#partial}) are sequential sums over the piece; a
 * tensor's norm combines its pieces' partials in order ({@link Norms#combine}). A tensor of at
 * most {@code BLOCK} values is one piece, so its norm keeps the bits of one sum over the tensor.
 */
public final class NormPieces implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Values per piece. */
    public static final int BLOCK = 65536;
    /** Partials per piece: plain sum, max |x|, sum scaled by the max. */
    public static final int WIDTH = Norms.WIDTH;

    private final int[] bounds;        // piece b = [bounds[b], bounds[b+1])
    private final int[] firstPiece;    // tensor t = pieces [firstPiece[t], firstPiece[t+1])

    /** @param tensorSizes element counts of the tensors of the flat vector, in order (sizes may be 0) */
    public NormPieces(int[] tensorSizes) {
        int pieces = 0;
        for (int s : tensorSizes) {
            if (s < 0) throw new IllegalArgumentException("negative tensor size " + s);
            pieces += (s + BLOCK - 1) / BLOCK;
        }
        bounds = new int[pieces + 1];
        firstPiece = new int[tensorSizes.length + 1];
        int b = 0;
        long off = 0;
        for (int t = 0; t < tensorSizes.length; t++) {
            firstPiece[t] = b;
            for (int at = 0; at < tensorSizes[t]; at += BLOCK) {
                bounds[b] = (int) (off + at);
                bounds[++b] = (int) (off + Math.min(at + BLOCK, tensorSizes[t]));
            }
            off += tensorSizes[t];
        }
        firstPiece[tensorSizes.length] = b;
        if (off > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor sizes add up to " + off);
    }

    /** The piece boundaries 0 … d: a slice whose partials are taken starts and ends on one. */
    public int[] boundaries() {
        return bounds.clone();
    }

    /** d, the length of the vector. */
    public int size() {
        return bounds[bounds.length - 1];
    }

    public int pieces() {
        return bounds.length - 1;
    }

    /**
     * The partials of the pieces in [from, to) ({@link #WIDTH} per piece, in order) from that slice
     * alone: {@code slice[0]} is element {@code from}; both bounds are piece boundaries. For
     * p = ∞ only the max counts (the sums are the max and 1).
     */
    public double[] partials(double[] slice, int from, int to, double p) {
        if (to > size()) throw new IllegalArgumentException("[" + from + ", " + to + ") is past the " + size() + " values");
        int first = piece(from), last = piece(to);
        if (slice.length != to - from) throw new IllegalArgumentException("slice of " + slice.length + " values for [" + from + ", " + to + ")");
        double[] out = new double[WIDTH * (last - first)];
        for (int b = first; b < last; b++) {
            Norms.partial(slice, bounds[b] - from, bounds[b + 1] - bounds[b], p, out, WIDTH * (b - first));
        }
        return out;
    }

    /** Whole-vector {@link #partials}. */
    public double[] partials(double[] all, double p) {
        return partials(all, 0, all.length, p);
    }

    /**
     * {@code clip_grad_norm_}'s total from every piece's partials in piece order: the p-norm of the
     * tensors' p-norms (∞: the max).
     */
    public double total(double[] allPartials, double p) {
        checkAll(allPartials);
        double[] tensorNorms = new double[firstPiece.length - 1];
        for (int t = 0; t < tensorNorms.length; t++) {
            tensorNorms[t] = Norms.combine(allPartials, firstPiece[t], firstPiece[t + 1], p);
        }
        return Norms.norm(tensorNorms, 0, tensorNorms.length, p);
    }

    /**
     * The 2-norm logged when nothing clips by norm (no clipper, clip_grad_value_): sqrt of the
     * pieces' sums of squares, in order, from every piece's 2-norm partials.
     */
    public double norm2FromPartials(double[] allPartials) {
        checkAll(allPartials);
        double s = 0;
        for (int b = 0; b < pieces(); b++) s += allPartials[WIDTH * b];
        return Math.sqrt(s);
    }

    /** {@link #norm2FromPartials} of a whole vector. */
    public double norm2(double[] all) {
        return norm2FromPartials(partials(all, 2));
    }

    /** The index of the piece starting at {@code at} (d: one past the last). */
    private int piece(int at) {
        int b = Arrays.binarySearch(bounds, at);
        if (b < 0) throw new IllegalArgumentException(at + " is not a piece boundary");
        return b;
    }

    private void checkAll(double[] allPartials) {
        if (allPartials.length != WIDTH * pieces()) {
            throw new IllegalArgumentException(allPartials.length + " partials, expected " + WIDTH * pieces());
        }
    }
}
