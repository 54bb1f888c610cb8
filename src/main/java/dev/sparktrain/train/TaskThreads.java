package dev.sparktrain.train;

import dev.sparktrain.data.BlockSlice;
import dev.sparktrain.data.PackedBlock;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Threads within one step task. A step only launches tasks on the partitions holding its rows:
 * without shuffling a 10k-row batch usually lies in ONE partition, and one task on one core would
 * leave the executor's other cores idle while the driver waits. The driver then lets that task
 * split its rows over several threads ({@link #forStep}); each thread sums its part with its own
 * worker and the parts are added in a fixed order, so the result depends only on the thread count
 * (like the partition count: rounding only), never on timing.
 */
public final class TaskThreads {
    /** Spark conf key: threads per step task; 0 or unset = automatic (see {@link #forStep}). */
    public static final String CONF = "spark.sparktrain.taskThreads";
    /** Fewer rows per thread than this are not worth a hand-off. */
    static final int MIN_ROWS_PER_THREAD = 256;

    private static volatile ExecutorService pool;

    private TaskThreads() {
    }

    /** The value of {@link #CONF}: a whole number >= 0 (0 = automatic). */
    public static int configured(String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new dev.sparktrain.SparkTrainException(CONF + ": expected a whole number >= 0 (threads per step task; "
                + "0 = as many as the step leaves idle), got '" + value + "'");
    }

    /**
     * Threads each of {@code tasks} tasks may use: the cores the step leaves idle, shared out, but
     * never more than one executor has. {@code executorCores} is the cores of one executor (all
     * of them in local mode); a configured count wins.
     */
    public static int forStep(int configured, int totalCores, int executorCores, int tasks) {
        if (configured > 0) return configured;
        if (tasks <= 0) return 1;
        return Math.max(1, Math.min(executorCores, totalCores / tasks));
    }

    /**
     * Sums {@code rows} of {@code block} with up to {@code threads} threads: part 0 on the calling
     * (task) thread, the others on a shared daemon pool, each with the worker {@code workers}
     * gives on that thread; the parts are added in part order.
     */
    public static void accumulate(PackedBlock block, BlockSlice rows, int threads, Supplier<BlockWorker> workers,
                           double[] params, double[] sums) {
        int k = Math.min(threads, Math.max(1, rows.length() / MIN_ROWS_PER_THREAD));
        if (k <= 1) {
            workers.get().accumulate(block, rows, params, sums);
            return;
        }
        ExecutorService p = pool(k - 1);
        List<Future<double[]>> parts = new ArrayList<>();
        for (int i = 1; i < k; i++) {
            BlockSlice part = rows.part(i, k);
            parts.add(p.submit(() -> {
                double[] s = new double[sums.length];
                workers.get().accumulate(block, part, params, s);
                return s;
            }));
        }
        double[] first = new double[sums.length];
        try {
            workers.get().accumulate(block, rows.part(0, k), params, first);
            add(sums, first);
            for (Future<double[]> f : parts) add(sums, f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("step task interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) throw r;
            if (c instanceof Error err) throw err;
            throw new IllegalStateException(c);
        } finally {
            for (Future<double[]> f : parts) f.cancel(true);
        }
    }

    /** {@code into += part}, element-wise: how partial sums vectors are combined, in a fixed order. */
    static void add(double[] into, double[] part) {
        for (int i = 0; i < into.length; i++) into[i] += part[i];
    }

    private static ExecutorService pool(int needed) {
        ExecutorService p = pool;
        if (p != null) return p;
        synchronized (TaskThreads.class) {
            if (pool == null) {
                int n = Math.max(needed, Runtime.getRuntime().availableProcessors());
                pool = Executors.newFixedThreadPool(n, r -> {
                    Thread t = new Thread(r, "sparktrain-task-thread");
                    t.setDaemon(true);
                    return t;
                });
            }
            return pool;
        }
    }
}
