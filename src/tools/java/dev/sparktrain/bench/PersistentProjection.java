package dev.sparktrain.bench;

import java.util.List;
import java.util.Locale;

/**
 * The persistent sharded step's cost model, fitted on {@link ShardedProbe}'s local runs and
 * projected to a cluster (docs/SCALING.md, "The sharded step in one stage"). In local mode every
 * task shares the machine's cores, so per step the probe reads the process's CPU time and the
 * training thread's (the driver's control link); the tasks' share per task is what one executor
 * core would spend on its task:
 * <pre>
 *   task_ms(P)   = a + b·P     (its compute, and one slice and one tree to and from each of P peers)
 *   driver_ms(P) = c + e·P     (one control message each way per task)
 *   step(E, bytes) ≈ task_ms(E) + driver_ms(E) + 3 round trips + bytes per executor / link speed
 * </pre>
 * with P = E (one partition, one slice owner per executor). Bytes per executor per step: dense
 * 2·8d·(E−1)/E (the slices gathered, the trees scattered); sparse 2·12 bytes per touched
 * coordinate (value and index, an upper bound: the indices never travel).
 */
final class PersistentProjection {
    /** One probe run: tasks, and per step the process's and the training thread's CPU (ms). */
    record Row(int tasks, double processCpuMs, double driverCpuMs) {
        double perTaskMs() {
            return Math.max(0, processCpuMs - driverCpuMs) / tasks;
        }
    }

    private PersistentProjection() {
    }

    static void print(List<Row> rows, double touchedPerPartition, double rttMs) {
        if (rows.size() < 3) return;
        double[] task = line(rows, true);
        double[] drv = line(rows, false);
        System.out.printf(Locale.ROOT, "persistent sharded step, fitted on P = %s: task_ms = %.3f + %.5f·P, driver_ms = %.3f + %.5f·P%n",
                rows.stream().map(r -> String.valueOf(r.tasks())).toList(), task[0], task[1], drv[0], drv[1]);
        for (int e : new int[] {100, 500}) {
            double fixed = task[0] + task[1] * e + drv[0] + drv[1] * e + 3 * rttMs;
            for (double d : new double[] {1e7, 1e8}) {
                double dense = fixed + 2 * 8 * d * (e - 1.0) / e / 1.25e9 * 1e3;
                double sparse = fixed + 2 * 12 * touchedPerPartition / 1.25e9 * 1e3;
                System.out.printf(Locale.ROOT, "FIGURE projected_persistent_E%d_d%.0e_dense_step_s %.3f s%n", e, d, dense / 1e3);
                if (!Double.isNaN(sparse)) {
                    System.out.printf(Locale.ROOT, "FIGURE projected_persistent_E%d_d%.0e_sparse_step_s %.3f s%n", e, d, sparse / 1e3);
                }
            }
            System.out.printf(Locale.ROOT, "FIGURE projected_persistent_E%d_fixed_ms %.1f ms (10 Gbit/s, %.1f ms a round trip, "
                    + "%.0f touched coordinates a partition when sparse)%n", e, fixed, rttMs, touchedPerPartition);
        }
    }

    /** Least squares y = u + v·P over the rows (per-task CPU, or the driver's). */
    private static double[] line(List<Row> rows, boolean perTask) {
        double n = rows.size(), sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (Row r : rows) {
            double x = r.tasks(), y = perTask ? r.perTaskMs() : r.driverCpuMs();
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double v = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        return new double[] {(sy - v * sx) / n, v};
    }
}
