package dev.sparktrain;

/**
 * The one exception type users see: a clear, single-line message naming the file, row or key
 * and what was expected. The CLI prints {@link #getMessage()} and exits; nothing else leaks out.
 */
public class SparkTrainException extends RuntimeException {
    public SparkTrainException(String message) {
        super(message);
    }

    public SparkTrainException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Finds our own exception inside a chain (Spark wraps executor failures several times). */
    public static SparkTrainException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SparkTrainException s) return s;
            if (c.getCause() == c) break;
        }
        return null;
    }
}
