package dev.sparktrain.train;

import dev.sparktrain.SparkTrainException;

import java.util.function.Supplier;

/**
 * Runs a Spark action and turns its failure into one clear {@link SparkTrainException}: ours
 * (raised on an executor while reading or checking data) with its message as it is, anything
 * else named by what was being done and its root cause.
 */
public final class Spark {
    private Spark() {
    }

    public static <T> T call(String what, Supplier<T> action) {
        try {
            return action.get();
        } catch (Exception e) {
            // Not only RuntimeException: Scala code throws the checked SparkException (a failed
            // job) undeclared, and the executor's own exception is inside it.
            SparkTrainException ours = SparkTrainException.find(e);
            if (ours != null) throw new SparkTrainException(ours.getMessage(), e);
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            throw new SparkTrainException(what + ": Spark job failed: " + root.getClass().getSimpleName()
                    + ": " + root.getMessage(), e);
        }
    }
}
