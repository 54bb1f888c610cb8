package dev.sparktrain.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Threads within one step task. A step only launches tasks on the partitions holding its rows:
 * without shuffling a 10k-row batch usually lies in ONE partition, and one task on one core would
 * leave the executor's other cores idle while the driver waits. The driver then lets that task
 * split its leaves over several threads ({@link #forStep}); each thread sums a contiguous run of
 * leaves with its own worker, and the canonical sum tree makes the result the same for any thread
 * count ({@link GroupedSums}).
 */
public final class TaskThreads {
    /** Spark conf key: threads per step task; 0 or unset = automatic (see {@link #forStep}). */
    public static final String CONF = "spark.sparktrain.taskThreads";

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
     * Runs {@code parts}: the first on the calling (task) thread, the others on a shared daemon
     * pool; returns their results in part order.
     */
    public static <T> List<T> run(List<Callable<T>> parts) {
        List<Future<T>> others = new ArrayList<>();
        if (parts.size() > 1) {
            ExecutorService p = pool(parts.size() - 1);
            for (Callable<T> c : parts.subList(1, parts.size())) others.add(p.submit(c));
        }
        try {
            List<T> out = new ArrayList<>();
            out.add(parts.get(0).call());
            for (Future<T> f : others) out.add(f.get());
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("step task interrupted", e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (Exception e) {
            throw rethrow(e);
        } finally {
            for (Future<T> f : others) f.cancel(true);
        }
    }

    private static RuntimeException rethrow(Throwable c) {
        if (c instanceof RuntimeException r) throw r;
        if (c instanceof Error err) throw err;
        throw new IllegalStateException(c);
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
