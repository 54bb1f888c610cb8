package dev.sparktrain.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much of the machine's CPU other processes took while we measured: busy time of all CPUs
 * (/proc/stat) minus our own (/proc/self/stat), over wall time × CPUs. The machine is shared, so
 * every section of the report says how quiet it was. NaN where /proc is not available.
 */
final class CpuMeter {
    private long wall0;
    private long busy0;
    private long self0;

    void start() {
        wall0 = System.nanoTime();
        busy0 = busyTicks();
        self0 = selfTicks();
    }

    /** Share (0..1) of all CPUs used by other processes since {@link #start()}. */
    double foreignShare() {
        long wall = System.nanoTime() - wall0;
        long busy = busyTicks() - busy0;
        long self = selfTicks() - self0;
        if (busy0 < 0 || self0 < 0 || wall <= 0) return Double.NaN;
        double ticks = wall / 1e9 * 100 * Runtime.getRuntime().availableProcessors(); // USER_HZ = 100
        return Math.max(0, (busy - self) / ticks);
    }

    /**
     * Waits (up to {@code maxWaitMs}) until other processes have used at most {@code maxShare}
     * of the CPUs over half a second: on a shared machine, measure in the quiet moments. Returns
     * the share seen last (NaN without /proc).
     */
    static double awaitQuiet(double maxShare, long maxWaitMs) {
        if (maxShare >= 1) return Double.NaN;
        long deadline = System.currentTimeMillis() + maxWaitMs;
        CpuMeter m = new CpuMeter();
        double share;
        do {
            m.start();
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Double.NaN;
            }
            share = m.foreignShare();
        } while (!(share <= maxShare) && !Double.isNaN(share) && System.currentTimeMillis() < deadline);
        return share;
    }

    private static long busyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) busy += Long.parseLong(f[i]);
            return busy;
        } catch (Exception e) {
            return -1;
        }
    }

    private static long selfTicks() {
        try {
            String s = Files.readString(Path.of("/proc/self/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split("\\s+");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
        } catch (Exception e) {
            return -1;
        }
    }
}
