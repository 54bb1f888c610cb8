package dev.sparktrain.spark;

import dev.sparktrain.data.DoubleBytes;
import dev.sparktrain.data.SumTree;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The persistent sharded stage's links alone (docs/SCALING.md, "The sharded step in one stage"):
 * P {@link PeerMesh}es in one JVM on loopback, each on its own thread, exchange per step what a
 * dense step's tasks exchange — each owner's slice of d values to every other task, then each
 * task's tree slice to every owner — with no model, no optimizer and no Spark. Prints the
 * process's CPU per byte written to a link (sender and receiver together) and the wall time per
 * step. In the tools jar (scripts/mesh-probe.sh); in this package because the mesh is internal.
 */
public final class MeshProbe {
    private MeshProbe() {
    }

    public static void main(String[] args) throws Exception {
        int[] tasks = {2, 4, 8, 16};
        long d = 1L << 20;
        int steps = 20;
        int warm = 3;
        for (String a : args) {
            String[] kv = a.split("=", 2);
            switch (kv[0]) {
                case "tasks" -> tasks = Arrays.stream(kv[1].split(",")).mapToInt(Integer::parseInt).toArray();
                case "d" -> d = (long) Double.parseDouble(kv[1]);
                case "steps" -> steps = Integer.parseInt(kv[1]);
                case "warm" -> warm = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("unknown key " + kv[0] + " (tasks, d, steps, warm)");
            }
        }
        System.out.printf(Locale.ROOT, "mesh probe: d = %d values, %d steps after %d warm-up, %d cores; per step each task sends its"
                + " slice to every other task and a tree slice to every owner%n", d, steps, warm, Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "%6s %12s %10s %10s %12s%n", "tasks", "MB a step", "wall ms", "cpu ms", "cpu ns/byte");
        for (int p : tasks) run(p, d, steps, warm);
    }

    private static void run(int n, long d, int steps, int warm) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        int slice = (int) (d / n);
        long token = 42;
        PeerMesh[] mesh = new PeerMesh[n];
        String[] hosts = new String[n];
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            mesh[i] = new PeerMesh(i, n, token, "127.0.0.1");
            hosts[i] = "127.0.0.1";
            ports[i] = mesh[i].port();
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            long c0 = System.nanoTime();
            for (PeerMesh m : mesh) m.connect(hosts, ports, 60_000);
            double connectMs = (System.nanoTime() - c0) / 1e6;
            long wall0 = 0, cpu0 = 0, bytes0 = 0;
            for (int s = 0; s < warm + steps; s++) {
                if (s == warm) {
                    wall0 = System.nanoTime();
                    cpu0 = os.getProcessCpuTime();
                    bytes0 = sent(mesh);
                }
                int seq = s;
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int self = i;
                    done.add(pool.submit(() -> {
                        step(mesh[self], self, n, slice, seq);
                        return null;
                    }));
                }
                for (Future<?> f : done) f.get();
            }
            double wall = (System.nanoTime() - wall0) / 1e6 / steps;
            double cpu = (os.getProcessCpuTime() - cpu0) / 1e6 / steps;
            double bytes = (double) (sent(mesh) - bytes0) / steps;
            System.out.printf(Locale.ROOT, "%6d %12.1f %10.2f %10.2f %12.3f%n", n, bytes / 1e6, wall, cpu, cpu * 1e6 / bytes);
            System.out.printf(Locale.ROOT, "FIGURE mesh_p%d_cpu_ns_per_byte %.3f ns (%.1f MB a step)%n", n, cpu * 1e6 / bytes, bytes / 1e6);
            System.out.printf(Locale.ROOT, "FIGURE mesh_p%d_wall_ms %.2f ms%n", n, wall);
            System.out.printf(Locale.ROOT, "FIGURE mesh_p%d_connect_ms %.1f ms (%d links, %d reader threads)%n", n, connectMs,
                    n * (n - 1), n * (n - 1));
        } finally {
            pool.shutdownNow();
            for (PeerMesh m : mesh) m.close();
        }
    }

    /** One task's traffic of a dense step: its slice to every other task, then each owner's slice of its tree. */
    private static void step(PeerMesh m, int self, int n, int slice, int seq) throws Exception {
        double[] mine = new double[slice];
        Arrays.fill(mine, seq + self);
        byte[] encoded = DoubleBytes.encode(mine); // once for every peer, as an owner does
        for (int j = 0; j < n; j++) m.sendSlice(j, seq, mine, encoded);
        for (int j = 0; j < n; j++) m.takeSlice(seq, 60_000);
        for (int k = 0; k < n; k++) {
            SumTree t = new SumTree(1);
            t.put(0, mine.clone());
            m.sendTree(k, seq, t);
        }
        for (int j = 0; j < n; j++) m.takeTree(seq, 60_000);
    }

    private static long sent(PeerMesh[] mesh) {
        long b = 0;
        for (PeerMesh m : mesh) b += m.bytesSent();
        return b;
    }
}
