package dev.sparktrain.train;

import dev.sparktrain.data.BatchLeaves;
import dev.sparktrain.data.BlockSlice;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.RowGroups;
import dev.sparktrain.data.SumTree;
import dev.sparktrain.nn.BatchKernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * One block's share of a sum in the canonical order: each leaf ({@link BatchLeaves}) summed by
 * one kernel call into its own vector, leaves added by the {@link SumTree}. Threads take
 * contiguous runs of leaves, so the result does not depend on the thread count either.
 */
public final class GroupedSums {
    private GroupedSums() {
    }

    /**
     * Gradient and stats (kernel sums layout) of the block's rows of one batch, in train mode with
     * the step's draws keyed by {@code stepKey} ({@link BlockWorker#stepKey}).
     */
    public static SumTree step(PackedBlock b, BlockSlice batch, RowGroups groups, double[] params, long stepKey, int threads,
                               Supplier<BlockWorker> workers) {
        BatchLeaves leaves = BatchLeaves.of(b, batch, groups);
        return sum(leaves, groups, threads, leaf -> {
            BlockWorker w = workers.get();
            double[] v = new double[w.sumsLength()];
            w.accumulate(b, leaf.rows(), params, v, stepKey);
            return v;
        });
    }

    /** Loss, normalizer, rows and correct counts ({@link BatchKernel#STATS} values) of every row of the block. */
    public static SumTree stats(PackedBlock b, RowGroups groups, double[] params, BlockWorker w) {
        return sum(BatchLeaves.all(b, groups), groups, 1, leaf -> w.evaluateStats(b, leaf.rows(), params));
    }

    /** What one leaf sums to. */
    public interface LeafSum {
        double[] of(BatchLeaves.Leaf leaf);
    }

    /**
     * The tree of {@code leaves} (empty slots included), computed by up to {@code threads}
     * threads on contiguous runs of leaves (the first on the calling thread).
     */
    public static SumTree sum(BatchLeaves leaves, RowGroups groups, int threads, LeafSum f) {
        SumTree tree = new SumTree(groups.leaves());
        List<BatchLeaves.Leaf> list = leaves.leaves();
        int k = Math.max(1, Math.min(threads, list.size()));
        if (k == 1) {
            fill(tree, leaves.firstLeaf(), leaves.endLeaf(), list, f);
            return tree;
        }
        List<Callable<SumTree>> parts = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            int a = (int) ((long) list.size() * i / k);
            int e = (int) ((long) list.size() * (i + 1) / k);
            long from = i == 0 ? leaves.firstLeaf() : list.get(a).index();
            long to = i == k - 1 ? leaves.endLeaf() : list.get(e).index();
            List<BatchLeaves.Leaf> mine = list.subList(a, e);
            parts.add(() -> {
                SumTree t = new SumTree(groups.leaves());
                fill(t, from, to, mine, f);
                return t;
            });
        }
        for (SumTree t : TaskThreads.run(parts)) tree.merge(t);
        return tree;
    }

    /** Sets leaf slots [from, to): the listed leaves to their sums, the rest empty. */
    private static void fill(SumTree t, long from, long to, List<BatchLeaves.Leaf> leaves, LeafSum f) {
        long cursor = from;
        for (BatchLeaves.Leaf leaf : leaves) {
            t.putEmpty(cursor, leaf.index());
            t.put(leaf.index(), f.of(leaf));
            cursor = leaf.index() + 1;
        }
        t.putEmpty(cursor, to);
    }
}
