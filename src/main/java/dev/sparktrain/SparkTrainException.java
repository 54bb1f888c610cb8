package dev.sparktrain;

/**
 * The one exception type users see: a clear, single-line message naming the file, row or key
 * and what was expected. The CLI prints {@link #getMessage()} and exits; nothing else leaks out.
 */
public class SparkTrainException extends RuntimeException {
    public SparkTrainException(String message) {
        super(oneLine(message));
    }

    public SparkTrainException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /**
     * The message on one line whatever it quotes (a CSV field, a name from a JSON file): line
     * breaks are shown escaped, as {@code \n}.
     */
    static String oneLine(String message) {
        if (message == null) return null;
        StringBuilder b = null;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            String esc = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\u000b', '\u000c', '\u0085', '\u2028', '\u2029' -> String.format("\\u%04x", (int) c);
                default -> null;
            };
            if (esc != null && b == null) b = new StringBuilder(message.substring(0, i));
            if (b != null) {
                if (esc != null) b.append(esc);
                else b.append(c);
            }
        }
        return b == null ? message : b.toString();
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
