package dev.sparktrain.spark;

import dev.sparktrain.data.CsrBlock;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Layer;
import dev.sparktrain.nn.Linear;
import dev.sparktrain.nn.Sequential;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;

/**
 * A partition of CSR blocks in its compact parameter space, so that a sharded step's task costs
 * what the partition touches, never d: its t touched columns are renumbered 0..t-1 in order (a
 * monotonic map), the model's first {@code Linear(in, out)} becomes {@code Linear(t, out)}, and
 * everything after it stays. The compact parameters are then exactly the partition's picks
 * ({@link SparseNeeds}) in order: W is {@code [out, in]} row-major, so {@code o·in + j} becomes
 * {@code o·t + rank(j)}, both ascending in (o, j), and the bias and later layers follow
 * unchanged. The kernels see the same values in the same order (they read and add a weight only
 * at a non-zero's column, whatever {@code in} is), so every result has the dense task's bits at
 * the picks: slice k's values are positions [cut[k], cut[k+1]) of the compact vector.
 *
 * <p>A partition touching no column keeps one all-zero input column (a layer needs one): its
 * {@code out} weights lead the vector, are never read or given gradient, and never travel.
 */
final class CompactPartition implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The touched columns, ascending. */
    private final int[] touched;
    private final int width;
    private final int[] cut;
    private final List<PackedBlock> blocks;

    private CompactPartition(int[] touched, int width, int[] cut, List<PackedBlock> blocks) {
        this.touched = touched;
        this.width = width;
        this.cut = cut;
        this.blocks = blocks;
    }

    /**
     * The compact view of one partition's blocks for a first layer {@code Linear(in, out)} and
     * slices {@code bounds}, or null when a block is not CSR. Done once per run (the BitSet of
     * {@code in} bits is this setup's only cost beyond the non-zeros).
     */
    static CompactPartition of(Iterator<PackedBlock> blocks, int in, int out, int[] bounds) {
        List<CsrBlock> csr = new ArrayList<>();
        BitSet cols = new BitSet(in);
        while (blocks.hasNext()) {
            if (!(blocks.next() instanceof CsrBlock c)) return null;
            for (int j : c.indices()) cols.set(j);
            csr.add(c);
        }
        int[] touched = cols.stream().toArray();
        int width = Math.max(touched.length, 1);
        List<PackedBlock> compact = new ArrayList<>(csr.size());
        for (CsrBlock c : csr) {
            int[] idx = c.indices();
            int[] ranks = new int[idx.length];
            for (int i = 0; i < idx.length; i++) ranks[i] = Arrays.binarySearch(touched, idx[i]);
            compact.add(c.withColumns(ranks, width));
        }
        int[][] picks = SparseNeeds.picks(touched, in, out, bounds);
        int[] cut = new int[bounds.length];
        cut[0] = touched.length == 0 ? out : 0;
        for (int k = 0; k < picks.length; k++) cut[k + 1] = cut[k] + picks[k].length - BatchKernel.STATS;
        return new CompactPartition(touched, width, cut, List.copyOf(compact));
    }

    /** The touched columns, ascending. */
    int[] touched() {
        return touched;
    }

    /** The blocks with their columns renumbered. */
    List<PackedBlock> blocks() {
        return blocks;
    }

    /** Slice k's values are positions [cut[k], cut[k+1]) of the compact vector (cut's last: its length). */
    int[] cut() {
        return cut;
    }

    /** The model a partition computes with: {@code full} itself when {@code c} is null (dense), else its compact form. */
    static Sequential model(CompactPartition c, Sequential full) {
        if (c == null) return full;
        Linear first = (Linear) full.layers().get(0);
        List<Layer> layers = new ArrayList<>(full.layers());
        layers.set(0, new Linear(c.width, first.outFeatures(), first.hasBias()));
        return new Sequential(layers, full.precision());
    }
}
