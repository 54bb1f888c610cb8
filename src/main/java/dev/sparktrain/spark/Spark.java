package dev.sparktrain.spark;

import dev.sparktrain.SparkTrainException;

import java.util.function.Supplier;

/** Runs a Spark action and turns its failure into one clear {@link SparkTrainException}. */
public final class Spark {
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
            throw new SparkTrainException(what + ": Spark job failed: " + root.getClass().getSimpleName()
                    + ": " + msg, e);
        }
    }
}
