package dev.sparktrain.spark;

import dev.sparktrain.SparkTrainException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Out of memory outside sparktrain's own code: Spark's job failure and Spark's uncaught-error handler, one line each. */
class OutOfMemoryLineTest {
    private static final String HINT = "out of memory: raise --driver-memory (local mode) or --executor-memory (on a cluster)";

    @Test
    void sparkJobFailureCausedByOutOfMemorySaysWhatToRaise() {
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> Spark.call("loading data/x.csv", () -> {
            throw new IllegalStateException("task failed", new OutOfMemoryError("Java heap space"));
        }));
        assertEquals("loading data/x.csv: Spark job failed: OutOfMemoryError: Java heap space; " + HINT, e.getMessage());
        // an executor ended by Spark's handler: status 52 (SparkExitCode.OOM)
        e = assertThrows(SparkTrainException.class, () -> Spark.call("epoch 2 step 7", () -> {
            throw new IllegalStateException("Job aborted due to stage failure: Task 1 in stage 3.0 failed 4 times, most recent "
                    + "failure: Lost task 1.3 (executor 2 exited caused by one of the running tasks) Reason: Command exited with code 52");
        }));
        assertEquals("epoch 2 step 7: Spark job failed: IllegalStateException: Job aborted due to stage failure: Task 1 in stage "
                + "3.0 failed 4 times, most recent failure: Lost task 1.3 (executor 2 exited caused by one of the running tasks) "
                + "Reason: Command exited with code 52; " + HINT, e.getMessage());
        // other failures get no hint (exit 520 is not 52)
        e = assertThrows(SparkTrainException.class, () -> Spark.call("x", () -> {
            throw new IllegalStateException("Command exited with code 520");
        }));
        assertEquals("x: Spark job failed: IllegalStateException: Command exited with code 520", e.getMessage());
    }

    /** conf/log4j2.properties (the tests' log configuration, as submit.sh's) formats Spark's handler's report as one line. */
    @Test
    void sparksUncaughtErrorHandlerLogsOneLine() {
        Configuration conf = ((LoggerContext) LogManager.getContext(false)).getConfiguration();
        LoggerConfig handler = conf.getLoggerConfig("org.apache.spark.util.SparkUncaughtExceptionHandler");
        assertEquals("org.apache.spark.util.SparkUncaughtExceptionHandler", handler.getName());
        assertEquals(false, handler.isAdditive());
        assertEquals(List.of("oneline"), List.copyOf(handler.getAppenders().keySet()));
        Appender oneline = handler.getAppenders().get("oneline");

        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        oom.setStackTrace(new Throwable().getStackTrace()); // a real, many-frame trace
        assertEquals("sparktrain: error: Uncaught exception in thread Thread[Executor task launch worker for task 0.0 in stage "
                        + "17.0 (TID 18),5,main]: out of memory (Java heap space): raise --driver-memory (local mode) or "
                        + "--executor-memory (on a cluster)\n",
                format(oneline, "Uncaught exception in thread Thread[Executor task launch worker for task 0.0 in stage 17.0 "
                        + "(TID 18),5,main]", oom));
        assertEquals("sparktrain: error: Uncaught exception in thread Thread[dag-scheduler-event-loop,5,main]: "
                        + "java.lang.IllegalStateException: broken\n",
                format(oneline, "Uncaught exception in thread Thread[dag-scheduler-event-loop,5,main]", new IllegalStateException("broken")));
    }

    private static String format(Appender appender, String message, Throwable t) {
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("org.apache.spark.util.SparkUncaughtExceptionHandler")
                .setLevel(Level.ERROR).setMessage(new SimpleMessage(message)).setThrown(t).build();
        return new String(appender.getLayout().toByteArray(event), java.nio.charset.StandardCharsets.UTF_8);
    }
}
