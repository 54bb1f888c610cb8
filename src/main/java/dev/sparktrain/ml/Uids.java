package dev.sparktrain.ml;

import org.apache.spark.ml.util.Identifiable;

/**
 * Hands a uid to a Java subclass of a Spark ML class before its Scala superclass is built. The
 * Scala traits ({@code HasFeaturesCol}, ...) create their params in the superclass constructor
 * and call {@code uid()} there, before a Java constructor could assign a field; so our classes
 * stash the uid here, call {@code super()}, and take it in the first {@code uid()} call (into a
 * field that has no initializer, so Java does not reset it after {@code super()} returns).
 */
final class Uids {
    private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

    /** Marks a constructor that takes its uid from the stash. */
    static final class Pending {
        private Pending() {
        }
    }

    private static final Pending TOKEN = new Pending();

    private Uids() {
    }

    static Pending stash(String uid) {
        if (uid == null || uid.isEmpty()) throw new IllegalArgumentException("uid must not be empty");
        PENDING.set(uid);
        return TOKEN;
    }

    /** The stashed uid (and clears it), or a new random one with {@code prefix}. */
    static String take(String prefix) {
        String u = PENDING.get();
        PENDING.remove();
        return u != null ? u : Identifiable.randomUID(prefix);
    }
}
