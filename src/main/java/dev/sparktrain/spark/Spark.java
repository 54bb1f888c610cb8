package dev.sparktrain.spark;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.train.OutOfMemory;

import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Runs a Spark action and turns its failure into one clear {@link SparkTrainException}. */
public final class Spark {
    /** An executor that ended with Spark's out-of-memory exit status (SparkExitCode.OOM). */
    private static final Pattern EXECUTOR_OOM_EXIT = Pattern.compile("(?i)exit(ed with)? ?code:? ?52\\b");

    private Spark() {
    }

    public static <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (Exception e) {
            // Spark's job failures are SparkException, a checked exception thrown from Scala
            // without a declaration: catching RuntimeException alone lets them through unwrapped.
            SparkTrainException ours = SparkTrainException.find(e);
            if (ours != null) throw new SparkTrainException(ours.getMessage(), e);
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            String msg = String.valueOf(root.getMessage()).strip().lines().findFirst().orElse("");
            // ours, as text: a result the driver could not read aborts the job with the reason in its message
            String tag = SparkTrainException.class.getName() + ": ";
            int at = msg.indexOf(tag);
            if (at >= 0) throw new SparkTrainException(what + ": " + msg.substring(at + tag.length()), e);
            String oom = OutOfMemory.isCause(e) || EXECUTOR_OOM_EXIT.matcher(String.valueOf(root.getMessage())).find() ? "; " + OutOfMemory.hint() : "";
            throw new SparkTrainException(what + ": Spark job failed: " + root.getClass().getSimpleName()
                    + ": " + msg + oom, e);
        }
    }
}
