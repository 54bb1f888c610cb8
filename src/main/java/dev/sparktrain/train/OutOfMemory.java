package dev.sparktrain.train;

import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Layer;
import dev.sparktrain.nn.Sequential;

import java.util.Locale;

/**
 * The one line an out-of-memory error becomes: where it happened, how large the step's vectors
 * were (d parameters × 8 bytes × how many), and which memory setting to raise. Built where the
 * error is caught (a step task, the driver's loop) and thrown as a SparkTrainException without the
 * error as its cause: Spark kills an executor whose task failed with a fatal error in its cause
 * chain, and prints pages of stack traces doing it.
 */
public final class OutOfMemory {
    /** Vectors of d the driver keeps during a step: weights, gradient, up to three optimizer buffers, the step's sums. */
    public static final int DRIVER_VECTORS = 6;

    /** Where the memory ran out, and so which setting sizes that JVM. */
    public enum Where {
        /** A step's task in local mode: the driver JVM runs the tasks. */
        LOCAL_TASK("a step's task", "--driver-memory (local mode: the tasks run in the driver JVM)"),
        /** A step's task on a cluster executor. */
        EXECUTOR_TASK("a step's task on an executor", "--executor-memory (shared by the executor's spark.executor.cores tasks)"),
        /** The driver's loop: weights, optimizer, the tasks' partial sums. */
        DRIVER("the driver", "--driver-memory");

        final String what;
        final String setting;

        Where(String what, String setting) {
            this.what = what;
            this.setting = setting;
        }
    }

    private OutOfMemory() {
    }

    /** Whether {@code t} or one of its causes is an OutOfMemoryError. */
    public static boolean isCause(Throwable t) {
        return find(t) != null;
    }

    private static OutOfMemoryError find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof OutOfMemoryError e) return e;
        }
        return null;
    }

    /**
     * The line for an error in a step's task computing with {@code threads} threads, each kernel
     * call on up to {@code rows} rows (the batch, at most {@link BatchKernel#CHUNK}).
     */
    public static String inTask(Where where, Throwable error, Sequential model, int threads, int rows, long heapBytes) {
        long vectors = 1 + 2L * threads; // the weights; per thread a leaf's sums and a tree node
        return String.format(Locale.ROOT, "out of memory in %s (%s): the step's vectors are %s; the task holds about %d "
                        + "(the weights, 2 per thread × %d threads) plus the kernel's buffers, %s per thread (%d rows × %d layer "
                        + "outputs × 2 × 8 bytes); the heap is %s: raise %s, or use a smaller model",
                where.what, reason(error), vectorSize(model.paramCount()), vectors, threads,
                bytes(kernelBytes(model, rows)), rows, layerOutputs(model), bytes(heapBytes), where.setting);
    }

    /** The line for an error in the driver's loop. */
    public static String onDriver(Throwable error, long params, long heapBytes) {
        return String.format(Locale.ROOT, "out of memory on %s (%s): the step's vectors are %s; the driver holds about %d "
                        + "(weights, gradient, optimizer state, the step's sums) plus up to 2 per task whose sums it merges; the "
                        + "heap is %s: raise %s, set --conf spark.sparktrain.reduce=executors, or use a smaller model",
                Where.DRIVER.what, reason(error), vectorSize(params), DRIVER_VECTORS, bytes(heapBytes), Where.DRIVER.setting);
    }

    /** What to do about an out-of-memory error outside sparktrain's own code (loading, Spark's threads). */
    public static String hint() {
        return "out of memory: raise --driver-memory (local mode) or --executor-memory (on a cluster)";
    }

    /** Spark's own out-of-memory line (Spark.call's hint) with the step's vector size added, once. */
    public static String withSizes(String message, long params) {
        String sizes = "the step's vectors are " + vectorSize(params);
        return message.contains(sizes) ? message : message + "; " + sizes;
    }

    /** {@code 22500010 parameters × 8 bytes = 172 MB each}. */
    static String vectorSize(long params) {
        return String.format(Locale.ROOT, "%d parameters × 8 bytes = %s each", params, bytes(8 * params));
    }

    /** A thread's kernel workspace: an activation and a gradient buffer of {@code rows} rows per layer. */
    static long kernelBytes(Sequential model, int rows) {
        return 2L * 8 * rows * layerOutputs(model);
    }

    private static long layerOutputs(Sequential model) {
        long sum = 0;
        for (Layer l : model.layers()) sum += l.outFeatures();
        return sum;
    }

    /** The OutOfMemoryError's own message (Java heap space, Requested array size exceeds VM limit, ...). */
    private static String reason(Throwable error) {
        OutOfMemoryError oom = find(error);
        String m = oom == null ? null : oom.getMessage();
        return m == null || m.isBlank() ? "OutOfMemoryError" : m;
    }

    /** 512 bytes, 9.8 KB, 172 MB, 2.29 GB (powers of 1024). */
    static String bytes(long b) {
        if (b < 1024) return b + " bytes";
        if (b < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KB", b / 1024.0);
        if (b < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.0f MB", b / (1024.0 * 1024));
        return String.format(Locale.ROOT, "%.2f GB", b / (1024.0 * 1024 * 1024));
    }
}
