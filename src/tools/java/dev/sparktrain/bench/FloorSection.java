package dev.sparktrain.bench;

import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.spark.load.Blocks;
import org.apache.spark.api.java.JavaRDD;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code floor} section (Spark's cost of one step with no arithmetic, {@link Floor}, at the
 * models' parameter counts) and the {@code lineage} section (the same floor over two data sources).
 */
final class FloorSection {
    private FloorSection() {
    }

    static void floor(Session ss, BenchModel lr, BenchModel mp, BenchModel bg) {
        BenchSettings s = ss.s();
        int reps = s.floorReps();
        int warm = s.floorWarm();
        ss.fig().section("floor", "Spark floor: one step with no arithmetic (median of " + reps + " after "
                + warm + " warm-up)");
        // warm-up (not reported) of every job path, so the first d measured is not the JIT's victim
        Floor.time(ss.jsc(), ss.blocks(), Floor.Kind.values(), lr.params(), 3 * warm, 0);
        if (!s.floorD().isEmpty()) {
            for (int d : s.floorD()) floorAt(ss, d, "", true, reps, warm);
        } else {
            floorAt(ss, lr.params(), "(logistic)", true, reps, warm);
            floorAt(ss, mp.params(), "(MLP)", true, reps, warm);
            int big = s.floorBigReps();
            floorAt(ss, bg.params(), "(1M-param model)", false, big, Math.min(warm, 3));
            floorAt(ss, 1_000_000, "", true, big, Math.min(warm, 3));
        }
        // last, with Spark's job path warm: an empty job (no weights, nothing returned)
        double[][] e = ss.calm(() -> Floor.time(ss.jsc(), ss.blocks(),
                new Floor.Kind[] {Floor.Kind.EMPTY, Floor.Kind.EMPTY_RUNJOB}, 1, warm, reps));
        ss.fig().put("empty_job_ms", Stats.median(e[0]), "ms", "empty job over the cached partitions (Java API)");
        ss.fig().put("empty_runjob_ms", Stats.median(e[1]), "ms", "empty job over the cached partitions (runJob, plain function)");
    }

    /** Every floor variant at parameter count {@code d}; the floor itself is the faster of collect and reduce. */
    private static double floorAt(Session ss, int d, String what, boolean all, int reps, int warm) {
        Figures fig = ss.fig();
        List<Floor.Kind> kinds = new ArrayList<>(List.of(Floor.Kind.COLLECT, Floor.Kind.REDUCE, Floor.Kind.CLOSURE,
                Floor.Kind.RUNJOB));
        if (all) kinds.add(Floor.Kind.TREE);
        double[][] ms = ss.calm(() -> Floor.time(ss.jsc(), ss.blocks(), kinds.toArray(new Floor.Kind[0]), d, warm, reps));
        double c = Stats.median(ms[0]);
        double r = Stats.median(ms[1]);
        fig.put("floor_collect_ms_d" + d, c, "ms", "d=" + d + " " + what + ": broadcast + mapPartitions + collect + add");
        fig.put("floor_reduce_ms_d" + d, r, "ms", "d=" + d + ": broadcast + mapPartitions + reduce");
        fig.put("floor_closure_ms_d" + d, Stats.median(ms[2]), "ms", "d=" + d
                + ": weights in the closure + mapPartitions + collect + add");
        fig.put("floor_runjob_ms_d" + d, Stats.median(ms[3]), "ms", "d=" + d
                + ": SparkBackend's path (runJob, plain function" + (d > SparkBackend.INLINE_MAX
                ? ", broadcast)" : ", weights inline)"));
        if (all) {
            fig.put("floor_tree_ms_d" + d, Stats.median(ms[4]), "ms", "d=" + d + ": broadcast + treeAggregate (MLlib's way)");
        }
        return fig.put("floor_ms_d" + d, Math.min(c, r), "ms", "FLOOR d=" + d
                + " as the issue defines it (faster of collect/reduce)");
    }

    /**
     * {@code Blocks.fromArrays} parallelizes the blocks themselves: a ParallelCollectionRDD's
     * partitions carry their data, so every task of every step ships its whole block, cached or not.
     */
    static void lineage(Session ss, BenchModel m) {
        long rows = Math.min(ss.n(), ss.s().lineageRows());
        int d = ss.d();
        ss.fig().section("lineage", "data source lineage: Blocks.fromArrays vs blocks built per partition (" + rows + " rows)");
        double[] x = new double[Math.toIntExact(rows * d)];
        double[] y = new double[(int) rows];
        SyntheticData.fill(ss.seed(), d, 0, rows, x, y);
        JavaRDD<PackedBlock> fa = Blocks.fromArrays(ss.jsc(), x, y, d, 1, ss.parts());
        JavaRDD<PackedBlock> gen = SyntheticData.blocks(ss.jsc(), rows, d, ss.parts(), ss.seed());
        try {
            int reps = Math.max(3, ss.s().floorReps() / 4);
            double a = Stats.median(Floor.time(ss.jsc(), fa, Floor.Kind.COLLECT, m.params(), 2, reps));
            double b = Stats.median(Floor.time(ss.jsc(), gen, Floor.Kind.COLLECT, m.params(), 2, reps));
            ss.fig().put("lineage_fromarrays_floor_ms", a, "ms", "floor step over Blocks.fromArrays blocks");
            ss.fig().put("lineage_generated_floor_ms", b, "ms", "floor step over blocks built per partition");
        } finally {
            fa.unpersist(true);
            gen.unpersist(true);
        }
    }
}
