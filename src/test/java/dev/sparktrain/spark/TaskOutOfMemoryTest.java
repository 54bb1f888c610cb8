package dev.sparktrain.spark;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.SumTree;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.train.SparkTestContext;
import org.junit.jupiter.api.Test;

import java.util.Iterator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A step task that runs out of memory fails with one line and no fatal cause (so Spark keeps the JVM). */
class TaskOutOfMemoryTest {
    private static SumTasks.PartitionTask failing(RuntimeException thrown, Error error) {
        return new SumTasks.PartitionTask() {
            @Override
            SumTree sums(Iterator<PackedBlock> blocks) {
                if (error != null) throw error;
                throw thrown;
            }

            @Override
            Sequential model() {
                return Sequential.parse("linear(64,128), relu, linear(128,10)", "test");
            }
        };
    }

    @Test
    void outOfMemoryBecomesOneLineWithoutTheErrorAsCause() {
        SparkTestContext.get(); // SparkEnv of local mode: the executor is the driver's
        long heap = Runtime.getRuntime().maxMemory();
        scala.collection.Iterator<PackedBlock> none = scala.collection.Iterator.empty();
        for (Throwable t : new Throwable[]{new OutOfMemoryError("Java heap space"),
                new IllegalStateException("thread 2", new OutOfMemoryError("Java heap space"))}) {
            SumTasks.PartitionTask task = t instanceof Error e ? failing(null, e) : failing((RuntimeException) t, null);
            SparkTrainException e = assertThrows(SparkTrainException.class, () -> task.apply(null, none));
            assertNull(e.getCause(), "an OutOfMemoryError among the causes makes Spark end the executor JVM");
            assertEquals(dev.sparktrain.train.OutOfMemory.inTask(dev.sparktrain.train.OutOfMemory.Where.LOCAL_TASK,
                    new OutOfMemoryError("Java heap space"), task.model(), 1, 512, heap), e.getMessage());
            assertTrue(e.getMessage().startsWith("out of memory in a step's task (Java heap space): the step's vectors are "
                    + "9610 parameters × 8 bytes = 75.1 KB each; the task holds about 3 "), e.getMessage());
            assertTrue(e.getMessage().endsWith("raise --driver-memory (local mode: the tasks run in the driver JVM), or use a "
                    + "smaller model"), e.getMessage());
        }
        // anything else passes through untouched
        IllegalStateException other = new IllegalStateException("data/x.csv:3: column 2 is 'a', expected a number");
        assertSame(other, assertThrows(IllegalStateException.class, () -> failing(other, null).apply(null, none)));
    }
}
