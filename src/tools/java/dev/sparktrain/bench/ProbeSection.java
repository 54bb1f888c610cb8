package dev.sparktrain.bench;

import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.spark.SparkBackend;
import org.apache.spark.api.java.JavaRDD;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The per-phase breakdown of one step ({@link StepProbe}): each phase's median for SparkBackend's
 * job path and two alternatives, side by side, plus Spark's own task metrics.
 */
final class ProbeSection {
    private ProbeSection() {
    }

    /** One breakdown over {@code data} ({@code rows} rows); a batch >= rows is a full batch. */
    static void probe(Session ss, JavaRDD<PackedBlock> data, long rows, BenchModel m, long batch, String mode) {
        BenchSettings s = ss.s();
        Figures fig = ss.fig();
        PrintStream out = ss.out();
        long b = batch >= rows ? 0 : batch;
        fig.section("phase_" + m.key() + "_" + Session.btag(b), "per-phase breakdown of one step: " + m.key() + " batch "
                + (b == 0 ? "full" : b) + " " + mode + " (median over steps; nanoTime on driver and in tasks)");
        StepProbe probe = new StepProbe(ss.jsc(), data, m.net(), m.loss());
        int steps = b == 0 ? Math.max(2, s.probeSteps() / 6) : s.probeSteps();
        int warm = b == 0 ? 1 : s.probeWarm();
        List<StepProbe.Run> runs = new ArrayList<>();
        for (StepProbe.Ship ship : StepProbe.Ship.values()) {
            runs.add(new StepProbe.Run(m.net().initParams(ss.seed()), m.adam(s.lr()), m.clip(s.maxNorm()), ship));
        }
        JobTimeline tl = new JobTimeline();
        ss.quiet();
        ss.jsc().sc().addSparkListener(tl);
        double[][][] ph;
        double[] tm;
        try {
            ph = probe.run(runs, (int) b, mode.equals("shuffle"), ss.seed(), warm, steps);
            tm = tl.taskMeans();
        } finally {
            ss.jsc().sc().removeSparkListener(tl);
        }
        Map<StepProbe.Ship, double[]> med = new LinkedHashMap<>();
        for (int r = 0; r < runs.size(); r++) {
            double[] mm = new double[StepProbe.PHASES.length];
            for (int k = 0; k < mm.length; k++) {
                final int kk = k;
                mm[k] = Stats.median(Arrays.stream(ph[r]).mapToDouble(x -> x[kk]).toArray());
            }
            med.put(runs.get(r).ship, mm);
        }
        String key = "phase_" + m.key() + "_" + Session.btag(b) + "_" + Session.tag(mode);
        out.printf(Locale.ROOT, "  %-72s %9s %9s %9s%n", "phase (ms)", "current", "before", "closure");
        StepProbe.Ship[] cols = {StepProbe.Ship.CURRENT, StepProbe.Ship.BEFORE, StepProbe.Ship.CLOSURE};
        for (int k = 0; k < StepProbe.PHASES.length; k++) {
            out.printf(Locale.ROOT, "  %-72s %9.3f %9.3f %9.3f%n", StepProbe.PHASE_TEXT[k],
                    med.get(cols[0])[k], med.get(cols[1])[k], med.get(cols[2])[k]);
        }
        out.println("  current = SparkBackend now (SparkContext.runJob with a plain function; weights in the closure up to "
                + SparkBackend.INLINE_MAX + " values, else a broadcast);");
        out.println("  before = broadcast + mapPartitions/collectPartitions through the Java RDD API (SparkBackend's first version);"
                + " closure = before with the weights in the closure");
        out.printf(Locale.ROOT, "  Spark's task metrics (mean over all variants' tasks): deserialize task %.2f ms (CPU %.2f ms), "
                + "run %.2f ms, result serialization %.2f ms, result %.0f bytes%n", tm[0], tm[1] / 1e6, tm[2], tm[3], tm[4]);
        for (StepProbe.Ship ship : cols) {
            for (int k = 0; k < StepProbe.PHASES.length; k++) {
                out.printf(Locale.ROOT, "FIGURE %s_%s_%s_ms %s ms%n", key, ship.label, StepProbe.PHASES[k],
                        Figures.fmt(med.get(ship)[k]));
            }
        }
        int total = StepProbe.PHASES.length - 2;
        fig.put(key + "_before_total_ms", med.get(StepProbe.Ship.BEFORE)[total], "ms",
                "whole step, the Java RDD API path (SparkBackend's first version)");
        fig.put(key + "_current_total_ms", med.get(StepProbe.Ship.CURRENT)[total], "ms",
                "whole step, SparkBackend now");
    }
}
