package dev.sparktrain.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The scale benchmark's cost model, two least-squares fits over the measured rows (a coefficient
 * that comes out negative is dropped and the rest refitted, so every term stays a cost):
 * <ul>
 *   <li>step wall time: {@code t = t0 + a·messages + b·bytes + k·compute};</li>
 *   <li>driver CPU per step: {@code cpu = u0 + c·driverValues + s·broadcastBytes + m·messages}:
 *       c is what each vector value received and merged (plus the update's d) costs the driver,
 *       s what serving a broadcast byte costs it.</li>
 * </ul>
 * Projections keep t0, a, c and s, and replace the local b by a network's cost per byte on the
 * critical path, counted per path from how it moves its vectors; the gradient computation is left
 * out (the same for every path, and it shrinks with more executors).
 */
final class CostModel {
    static final String[] STEP_TERMS = {"t0_ms", "a_ms_per_msg", "b_ms_per_byte", "k_per_compute_ms"};
    static final String[] CPU_TERMS = {"u0_cpu_ms", "c_cpu_ms_per_driver_value", "s_cpu_ms_per_bcast_byte",
            "m_cpu_ms_per_msg"};

    /** Coefficients in the terms' order; rms residual (ms) and number of rows. */
    record Fit(double[] coef, double rmsMs, int rows) {
    }

    private CostModel() {
    }

    static Fit stepFit(List<ScaleCase.Row> rows) {
        return fit(rows, STEP_TERMS.length, r -> new double[] {1, r.messages(), r.bytes(), r.computeMs()}, ScaleCase.Row::stepMs);
    }

    static Fit cpuFit(List<ScaleCase.Row> rows) {
        return fit(rows, CPU_TERMS.length, r -> new double[] {1, r.driverValues(), r.perStep().bcastBytes(), r.messages()},
                ScaleCase.Row::driverCpuMs);
    }

    private static Fit fit(List<ScaleCase.Row> rows, int n, Function<ScaleCase.Row, double[]> x, ToDoubleFunction<ScaleCase.Row> y) {
        List<ScaleCase.Row> ok = rows.stream().filter(ScaleCase.Row::ok).toList();
        boolean[] on = new boolean[n];
        java.util.Arrays.fill(on, true);
        double[] coef = new double[n];
        for (int round = 0; round < n; round++) {
            coef = solve(ok, x, y, on);
            int worst = -1;
            for (int j = 0; j < n; j++) if (on[j] && coef[j] < 0 && (worst < 0 || coef[j] < coef[worst])) worst = j;
            if (worst < 0) break;
            on[worst] = false;
        }
        double ss = 0;
        for (ScaleCase.Row r : ok) {
            double e = y.applyAsDouble(r) - dot(coef, x.apply(r));
            ss += e * e;
        }
        return new Fit(coef, Math.sqrt(ss / Math.max(1, ok.size())), ok.size());
    }

    /** Normal equations over the enabled terms (columns scaled to unit size so they stay well conditioned). */
    private static double[] solve(List<ScaleCase.Row> rows, Function<ScaleCase.Row, double[]> x,
                                  ToDoubleFunction<ScaleCase.Row> y, boolean[] on) {
        List<Integer> cols = new ArrayList<>();
        for (int j = 0; j < on.length; j++) if (on[j]) cols.add(j);
        int k = cols.size();
        double[] scale = new double[k];
        for (ScaleCase.Row r : rows) {
            double[] f = x.apply(r);
            for (int i = 0; i < k; i++) scale[i] = Math.max(scale[i], Math.abs(f[cols.get(i)]));
        }
        double[][] a = new double[k][k + 1];
        for (ScaleCase.Row r : rows) {
            double[] f = x.apply(r);
            for (int i = 0; i < k; i++) {
                double fi = f[cols.get(i)] / nz(scale[i]);
                for (int j = 0; j < k; j++) a[i][j] += fi * f[cols.get(j)] / nz(scale[j]);
                a[i][k] += fi * y.applyAsDouble(r);
            }
        }
        double[] sol = gauss(a, k);
        double[] coef = new double[on.length];
        for (int i = 0; i < k; i++) coef[cols.get(i)] = sol[i] / nz(scale[i]);
        return coef;
    }

    private static double nz(double v) {
        return v == 0 ? 1 : v;
    }

    /** Gaussian elimination with partial pivoting; a singular column gets 0 (a small ridge keeps it stable). */
    private static double[] gauss(double[][] a, int k) {
        for (int i = 0; i < k; i++) a[i][i] += 1e-9;
        for (int c = 0; c < k; c++) {
            int p = c;
            for (int r = c + 1; r < k; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            for (int r = c + 1; r < k; r++) {
                double f = a[r][c] / a[c][c];
                for (int j = c; j <= k; j++) a[r][j] -= f * a[c][j];
            }
        }
        double[] x = new double[k];
        for (int r = k - 1; r >= 0; r--) {
            double s = a[r][k];
            for (int j = r + 1; j < k; j++) s -= a[r][j] * x[j];
            x[r] = s / a[r][r];
        }
        return x;
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /**
     * What one step of a path moves at E one-core executors, T = partsPerExecutor·E tasks and d
     * parameters, both counted on the critical path. {@code messages}: the driver's 2 per task (launch,
     * result: its scheduler handles them one by one), one executor's broadcast pieces (executors
     * fetch theirs in parallel) and the busiest reducer's shuffle blocks at each level.
     * {@code linkBytes}: bytes on the busiest link, in sequence: the weights out of the
     * driver, each reduce level's busiest reducer, the driver's inbound. The torrent broadcast is
     * counted as one 8d copy out of the driver (its lower bound: executors serve each other pieces);
     * {@code msUpper} takes its upper bound instead, E copies, which adds the same to every path
     * that broadcasts (the sharded step gathers the slices between executors instead).
     */
    record Projection(String path, double messages, double linkBytes, double driverValues, double ms, double msUpper) {
    }

    static final double PIECE = 4 << 20; // spark.broadcast.blockSize

    static List<Projection> project(Fit step, Fit cpu, long e, double d, int partsPerExecutor, double bytesPerSecond) {
        double t = (double) e * partsPerExecutor;
        double vec = 8 * d;
        Link link = new Link(step, cpu, bytesPerSecond, vec, (e - 1) * vec);
        double pieces = Math.ceil(vec / PIECE);
        List<Projection> out = new ArrayList<>();
        // today's path: every task's tree into the driver, merged there
        out.add(link.projection("driver (today)", 2 * t + pieces, vec + t * vec, t * d + d, true));
        // TreeReduce: ~sqrt(T) reducers of neighbouring partitions, then one; one tree into the driver
        double fan = Math.ceil(Math.sqrt(t));
        double reducers = Math.ceil(t / fan);
        out.add(link.projection("executors (new)", 2 * (t + reducers + 1) + pieces + fan + reducers,
                vec + fan * vec + reducers * vec + vec, 2 * d, true));
        // the sharded step (one slice owner per task, P = E): the slices gathered to every task, each task's
        // gradient slices to their owners; each executor's link carries 8d(E-1)/E in each of the two stages,
        // nothing d-sized touches the driver (per owner: the stats and ~3 norm partials per 65536 values)
        double k = Math.min(t, Math.max(1, Math.ceil(d / 65536)));
        out.add(link.projection("sharded (new)", 2 * (k + t + k) + k + t, 2 * vec * (e - 1) / e, k * 4 + 3 * Math.ceil(d / 65536),
                false));
        // MLlib treeAggregate, depth 2: sqrt(T) partial sums of 8d (dense) on executors, all into the driver
        double scale = Math.max(Math.ceil(Math.sqrt(t)), 2);
        double partials = Math.ceil(t / scale);
        out.add(link.projection("mllib treeAggregate", 2 * (t + partials) + pieces + scale,
                vec + scale * vec + partials * vec, partials * d + d, true));
        return out;
    }

    /** The costs a projection applies: fitted per step, message, driver value and broadcast byte; the link's speed. */
    private record Link(Fit step, Fit cpu, double bytesPerSecond, double bcastOnce, double bcastExtra) {
        /** @param broadcast whether the path broadcasts the weights from the driver (the sharded step does not) */
        Projection projection(String path, double msgs, double linkBytes, double values, boolean broadcast) {
            double ms = step.coef()[0] + step.coef()[1] * msgs + linkBytes / bytesPerSecond * 1e3
                    + cpu.coef()[1] * values + (broadcast ? cpu.coef()[2] * bcastOnce : 0);
            double extra = broadcast ? bcastExtra / bytesPerSecond * 1e3 + cpu.coef()[2] * bcastExtra : 0;
            return new Projection(path, msgs, linkBytes, values, ms, ms + extra);
        }
    }
}
