package dev.sparktrain.bench;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The scale benchmark's output: one table line and a few {@code FIGURE} lines per measured row,
 * the driver-inbound check of the executors path, then the fitted cost model and its projections.
 */
final class ScaleReport {
    /**
     * Driver-inbound allowance per task beyond the vectors: a result carries its task's metrics and
     * accumulator updates (about 2-4 KB; a shuffle task's MapStatus is tens of bytes).
     */
    static final long PER_TASK_ALLOWANCE = 16 << 10;

    private final PrintStream out;

    ScaleReport(PrintStream out) {
        this.out = out;
    }

    void header() {
        out.println();
        out.println("== scale: per step (means over the timed steps; bytes from Spark's task metrics and block updates)");
        out.println("   in = task results into the driver; out = broadcast pieces fetched by executors (weights + task");
        out.println("   binaries; an upper bound on what left the driver); shuffle = between executors (written / read");
        out.println("   remotely); msgs = 2 x tasks + shuffle blocks + broadcast pieces; compute = gradient-stage CPU / cores");
        out.printf(Locale.ROOT, "%-4s %9s %2s %3s %-9s %9s %8s %8s %12s %7s %12s %12s %12s %5s %6s  %s%n", "model", "d", "E",
                "T", "path", "step_ms", "drvcpu", "compute", "in_bytes", "in/8d", "out_bytes", "shuf_write", "shuf_remote",
                "tasks", "msgs", "driver-in check");
    }

    void row(ScaleCase.Row r) {
        String tag = String.format(Locale.ROOT, "scale_%s_d%s_e%d_%s", r.model(), dtag(r.d()), r.executors(),
                r.path().equals("driver") ? "drv" : r.path().equals("sharded") ? "shard" : "exe");
        if (!r.ok()) {
            out.printf(Locale.ROOT, "%-4s %9d %2d %3d %-9s  FAILED: %s%n", r.model(), r.d(), r.executors(), r.parts(), r.path(),
                    r.error());
            out.printf(Locale.ROOT, "FIGURE %s_failed 1 bool%n", tag);
            out.flush();
            return;
        }
        TaskMetricsListener.Totals t = r.perStep();
        String check = check(r);
        out.printf(Locale.ROOT, "%-4s %9d %2d %3d %-9s %9.1f %8.1f %8.1f %12d %7.2f %12d %12d %12d %5d %6.0f  %s%n",
                r.model(), r.d(), r.executors(), r.parts(), r.path(), r.stepMs(), r.driverCpuMs(), r.computeMs(),
                t.resultBytes(), t.resultBytes() / (8.0 * r.d()), t.bcastBytes(), t.shuffleWrite(), t.shuffleRemoteBytes(),
                t.tasks(), r.messages(), check);
        fig(tag + "_step_ms", r.stepMs(), "ms");
        fig(tag + "_driver_cpu_ms", r.driverCpuMs(), "ms");
        fig(tag + "_driver_in_bytes", t.resultBytes(), "bytes");
        fig(tag + "_driver_out_bytes", t.bcastBytes(), "bytes");
        fig(tag + "_shuffle_write_bytes", t.shuffleWrite(), "bytes");
        fig(tag + "_shuffle_read_bytes", t.shuffleRemoteBytes() + t.shuffleLocalBytes(), "bytes");
        fig(tag + "_shuffle_remote_bytes", t.shuffleRemoteBytes(), "bytes");
        fig(tag + "_compute_ms", r.computeMs(), "ms");
        fig(tag + "_params", r.d(), "n");
        fig(tag + "_tasks", t.tasks(), "n");
        fig(tag + "_messages", r.messages(), "n");
        if (!check.equals("-")) fig(tag + "_driver_in_pass", check.startsWith("PASS") ? 1 : 0, "bool");
        out.flush();
    }

    /** Issue 14's target for the sharded step: at most this many bytes into the driver per step. */
    static final long SHARDED_DRIVER_IN = 64 * 1024;

    /**
     * The targets: executors path, driver inbound <= 2 x 8d plus O(partitions) scalars; sharded
     * step, driver inbound <= 64 KiB whatever d.
     */
    static String check(ScaleCase.Row r) {
        if (r.path().equals("sharded")) {
            return (r.perStep().resultBytes() <= SHARDED_DRIVER_IN ? "PASS" : "FAIL") + " (limit " + SHARDED_DRIVER_IN + ")";
        }
        if (!r.path().equals("executors")) return "-";
        long limit = 16 * r.d() + PER_TASK_ALLOWANCE * r.perStep().tasks();
        return (r.perStep().resultBytes() <= limit ? "PASS" : "FAIL") + " (limit " + limit + ")";
    }

    void fitAndProject(List<ScaleCase.Row> rows, String targets, double bytesPerSecond, int partsPerExecutor) {
        out.println();
        out.println("== cost model, least squares over the rows above (negative terms dropped):");
        out.println("   step_ms = t0 + a*msgs + b*bytes + k*compute;  driver_cpu_ms = u0 + c*driver_values + m*msgs");
        CostModel.Fit step = CostModel.stepFit(rows);
        CostModel.Fit cpu = CostModel.cpuFit(rows);
        if (step.rows() < CostModel.STEP_TERMS.length + 2) {
            out.println("  too few measured rows (" + step.rows() + ") for a fit");
            return;
        }
        printFit(step, CostModel.STEP_TERMS);
        printFit(cpu, CostModel.CPU_TERMS);
        out.printf(Locale.ROOT, "  b = %.3g s per GB moved on this machine; c = %.3g s per 1e9 driver values; s = %.3g s per GB broadcast%n",
                step.coef()[2] * 1e6, cpu.coef()[1] * 1e6, cpu.coef()[2] * 1e6);
        out.println();
        out.printf(Locale.ROOT, "== PROJECTIONS (not measurements): one step's communication + driver cost at %.0f Gbit/s per link,%n",
                bytesPerSecond * 8 / 1e9);
        out.println("   T = " + partsPerExecutor + " x E tasks; t0, a from the step fit, c and s from the driver-CPU fit; messages and");
        out.println("   bytes on the critical path, bytes at line rate; the weights broadcast as one copy out of the driver;");
        out.println("   gradient compute left out");
        out.println("   (step_ms_ub: the broadcast at its upper bound, E copies out of the driver: the same extra on every path)");
        out.printf(Locale.ROOT, "   %5s %6s %-20s %10s %12s %14s %11s %11s%n", "E", "d", "path", "msgs", "link_bytes",
                "driver_values", "step_ms", "step_ms_ub");
        for (String pair : targets.split(",")) {
            String[] ed = pair.trim().split(":");
            long e = Long.parseLong(ed[0]);
            double d = Double.parseDouble(ed[1]);
            for (CostModel.Projection p : CostModel.project(step, cpu, e, d, partsPerExecutor, bytesPerSecond)) {
                out.printf(Locale.ROOT, "   %5d %6s %-20s %10.0f %12.4g %14.4g %11.0f %11.0f%n", e, dtag(d), p.path(),
                        p.messages(), p.linkBytes(), p.driverValues(), p.ms(), p.msUpper());
                String key = p.path().startsWith("driver") ? "drv" : p.path().startsWith("executors") ? "exe"
                        : p.path().startsWith("sharded") ? "shard" : "mllib";
                fig("scale_projected_e" + e + "_d" + dtag(d) + "_" + key + "_step_ms", p.ms(), "ms");
                fig("scale_projected_e" + e + "_d" + dtag(d) + "_" + key + "_step_ms_ub", p.msUpper(), "ms");
            }
        }
    }

    private void printFit(CostModel.Fit f, String[] names) {
        for (int i = 0; i < names.length; i++) {
            out.printf(Locale.ROOT, "  %-36s %12s%n", names[i], Figures.fmt(f.coef()[i]));
            fig("scale_fit_" + names[i], f.coef()[i], "coef");
        }
        out.printf(Locale.ROOT, "  (rms residual %.1f ms over %d rows)%n", f.rmsMs(), f.rows());
    }

    private void fig(String name, double v, String unit) {
        out.printf(Locale.ROOT, "FIGURE %s %s %s%n", name, Figures.fmt(v), unit);
    }

    /** 100302 -> "1e5": the size class a d belongs to. */
    static String dtag(double d) {
        return "1e" + Math.round(Math.log10(d));
    }
}
