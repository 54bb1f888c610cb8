package dev.sparktrain.spark;

import dev.sparktrain.data.BlockSlice;
import dev.sparktrain.data.CsrBlock;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.SumTree;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Precision;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.train.BlockWorker;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static dev.sparktrain.spark.ShardedStepTest.loss;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A sparse sharded partition computes in its compact space: the model with a first layer
 * {@code Linear(t, out)} over its t touched columns, on its blocks with the columns renumbered,
 * with the picked weights only. Its sums, cut at the compact bounds, have the bits of the dense
 * task's sums at the picks (the reduce-scatter the owners merge), in float64 and float32, with a
 * hidden layer, dropout, no bias, a partition touching no column, and any slice bounds; and the
 * compact vectors hold the picked values only.
 */
class CompactPartitionTest {
    static final int F = SparseShardedStepTest.F;
    static final long STEP_KEY = 0x5EEDL;

    static final List<Sequential> MODELS = List.of(
            SparseShardedStepTest.MODEL,
            SparseShardedStepTest.MODEL.withPrecision(Precision.FLOAT32),
            Sequential.parse("linear(50000,6), relu, dropout(0.3), linear(6,3)", "t"),
            Sequential.parse("linear(50000,6), relu, dropout(0.3), linear(6,3)", "t").withPrecision(Precision.FLOAT32),
            Sequential.parse("linear(50000,3)", "t"),
            Sequential.parse("linear(50000,4,bias=False), tanh, linear(4,3)", "t"));

    @Test
    void compactSumsAreTheDenseSumsAtThePicks() {
        List<List<PackedBlock>> partitions = List.of(
                SparseShardedStepTest.blocks(0, new int[] {700, 300, 1200}),
                SparseShardedStepTest.blocks(3000, new int[] {5}),
                List.of(noColumns(40)),
                List.of());
        for (Sequential model : MODELS) {
            int d = model.paramCount();
            for (int[] bounds : new int[][] {{0, d}, {0, 7, 60_000, d - 3, d}, {0, d / 2, d / 2 + 1, d}}) {
                for (List<PackedBlock> blocks : partitions) {
                    String what = model.spec() + " " + model.precision() + " bounds " + Arrays.toString(bounds) + ", "
                            + blocks.size() + " blocks";
                    compare(model, bounds, blocks, what);
                }
            }
        }
    }

    private static void compare(Sequential model, int[] bounds, List<PackedBlock> blocks, String what) {
        int out = model.layers().get(0).outFeatures();
        double[] params = model.initParams(11);
        CompactPartition c = CompactPartition.of(blocks.iterator(), F, out, bounds);
        int[][] picks = SparseNeeds.picks(c.touched(), F, out, bounds);
        Sequential compact = CompactPartition.model(c, model);
        int t = c.touched().length;
        int rest = model.paramCount() - out * F;
        assertEquals(out * Math.max(t, 1) + rest, compact.paramCount(), what + ": compact parameters");
        assertEquals(compact.paramCount(), c.cut()[bounds.length - 1], what + ": the cut ends at the compact vector's end");
        assertEquals(t == 0 ? out : 0, c.cut()[0], what);
        for (PackedBlock b : c.blocks()) assertEquals(Math.max(t, 1), b.features(), what);

        double[] weights = SliceGather.assemble(gathered(params, picks, bounds).iterator(), c.cut());
        for (int k = 0; k + 1 < bounds.length; k++) {
            for (int i = 0; i + BatchKernel.STATS < picks[k].length; i++) {
                assertEquals(params[picks[k][i]], weights[c.cut()[k] + i], what + ": the compact weights are the picked values");
            }
        }

        SumTree dense = sums(new BlockWorker(model, loss()), blocks, params, true);
        SumTree small = sums(new BlockWorker(compact, loss()), c.blocks(), weights, true);
        SumTree[] expected = dense.picked(picks);
        SumTree[] actual = small.sliced(c.cut(), BatchKernel.STATS);
        for (int k = 0; k < expected.length; k++) {
            assertArrayEquals(bits(expected[k].root()), bits(actual[k].root()), what + ": slice " + k);
        }
        SumTree denseStats = sums(new BlockWorker(model, loss()), blocks, params, false);
        SumTree smallStats = sums(new BlockWorker(compact, loss()), c.blocks(), weights, false);
        assertArrayEquals(bits(denseStats.root()), bits(smallStats.root()), what + ": evaluation statistics");
    }

    /** What the owners send a partition: per slice, the values at its picks. */
    private static List<SliceGather.SliceValues> gathered(double[] params, int[][] picks, int[] bounds) {
        List<SliceGather.SliceValues> out = new java.util.ArrayList<>();
        for (int k = picks.length - 1; k >= 0; k--) { // in any order, as the shuffle delivers them
            double[] slice = Arrays.copyOfRange(params, bounds[k], bounds[k + 1]);
            int[] rel = new int[picks[k].length];
            for (int i = 0; i + BatchKernel.STATS < rel.length; i++) rel[i] = picks[k][i] - bounds[k];
            out.add(new SliceGather.SliceValues(k, SparseNeeds.values(slice, rel)));
        }
        return out;
    }

    /** One leaf per block: its training sums (train mode, dropout drawn) or its statistics. */
    private static SumTree sums(BlockWorker w, List<PackedBlock> blocks, double[] params, boolean train) {
        SumTree tree = new SumTree(Math.max(1, blocks.size()));
        if (blocks.isEmpty()) tree.put(0, null);
        for (int i = 0; i < blocks.size(); i++) {
            PackedBlock b = blocks.get(i);
            if (train) {
                double[] v = new double[w.sumsLength()];
                w.accumulate(b, BlockSlice.range(0, b.rows()), params, v, STEP_KEY);
                tree.put(i, v);
            } else {
                tree.put(i, w.evaluateStats(b, BlockSlice.range(0, b.rows()), params));
            }
        }
        return tree;
    }

    /** Rows with no non-zero at all: the partition touches no column. */
    private static CsrBlock noColumns(int rows) {
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) y[r] = r % 3;
        return PackedBlock.csr(0, rows, F, 1, new int[rows + 1], new int[0], new double[0], y);
    }

    private static long[] bits(double[] v) {
        if (v == null) return null;
        long[] b = new long[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Double.doubleToRawLongBits(v[i]);
        return b;
    }
}
