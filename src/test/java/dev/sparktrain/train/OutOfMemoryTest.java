package dev.sparktrain.train;

import dev.sparktrain.nn.Sequential;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one line an out-of-memory error becomes: sizes from the model, the setting from where it happened. */
class OutOfMemoryTest {
    private static final Sequential WIDE = Sequential.parse("linear(64,300000), relu, linear(300000,10)", "test");

    @Test
    void taskLineGivesTheVectorsTheKernelBuffersAndTheSetting() {
        // d = 64·300000 + 300000 + 300000·10 + 10 = 22500010 → 180000080 bytes = 172 MB; outputs 300000 + 300000 + 10;
        // buffers 2 × 8 × 64 rows × 600010 = 614410240 bytes = 586 MB; heap 1300 MB = 1.27 GB
        assertEquals("out of memory in a step's task (Java heap space): the step's vectors are 22500010 parameters × 8 bytes "
                        + "= 172 MB each; the task holds about 5 (the weights, 2 per thread × 2 threads) plus the kernel's buffers, "
                        + "586 MB per thread (64 rows × 600010 layer outputs × 2 × 8 bytes); the heap is 1.27 GB: raise "
                        + "--driver-memory (local mode: the tasks run in the driver JVM), or use a smaller model",
                OutOfMemory.inTask(OutOfMemory.Where.LOCAL_TASK, new OutOfMemoryError("Java heap space"), WIDE, 2, 64, 1300L << 20));
        Sequential small = Sequential.parse("linear(64,128), relu, linear(128,10)", "test");
        // d = 9610 → 76880 bytes; buffers 2 × 8 × 512 × 266 = 2179072 bytes = 2 MB; no message → the class name
        assertEquals("out of memory in a step's task on an executor (OutOfMemoryError): the step's vectors are 9610 parameters × "
                        + "8 bytes = 75.1 KB each; the task holds about 3 (the weights, 2 per thread × 1 threads) plus the kernel's "
                        + "buffers, 2 MB per thread (512 rows × 266 layer outputs × 2 × 8 bytes); the heap is 640 MB: raise "
                        + "--executor-memory (shared by the executor's spark.executor.cores tasks), or use a smaller model",
                OutOfMemory.inTask(OutOfMemory.Where.EXECUTOR_TASK, new OutOfMemoryError(), small, 1, 512, 640L << 20));
    }

    @Test
    void driverLineGivesTheVectorsItKeeps() {
        assertEquals("out of memory on the driver (Java heap space): the step's vectors are 22500010 parameters × 8 bytes = "
                        + "172 MB each; the driver holds about 6 (weights, gradient, optimizer state, the step's sums) plus up to 2 "
                        + "per task whose sums it merges; the heap is 2.00 GB: raise --driver-memory, set --conf "
                        + "spark.sparktrain.reduce=executors, or use a smaller model",
                OutOfMemory.onDriver(new OutOfMemoryError("Java heap space"), 22500010, 2048L << 20));
    }

    @Test
    void sparksOwnLineGetsTheSizesOnce() {
        String spark = "epoch 1 step 1: Spark job failed: OutOfMemoryError: Java heap space; " + OutOfMemory.hint();
        String once = OutOfMemory.withSizes(spark, 9610);
        assertEquals(spark + "; the step's vectors are 9610 parameters × 8 bytes = 75.1 KB each", once);
        assertEquals(once, OutOfMemory.withSizes(once, 9610));
    }

    @Test
    void findsTheErrorAmongCauses() {
        assertTrue(OutOfMemory.isCause(new OutOfMemoryError()));
        assertTrue(OutOfMemory.isCause(new RuntimeException(new IllegalStateException(new OutOfMemoryError("x")))));
        assertFalse(OutOfMemory.isCause(new RuntimeException(new StackOverflowError())));
        assertFalse(OutOfMemory.isCause(null));
    }

    @Test
    void byteSizes() {
        assertEquals("512 bytes", OutOfMemory.bytes(512));
        assertEquals("1.0 KB", OutOfMemory.bytes(1024));
        assertEquals("172 MB", OutOfMemory.bytes(180000080));
        assertEquals("4.58 GB", OutOfMemory.bytes(4915281920L));
    }
}
