package dev.sparktrain.ml;

import dev.sparktrain.SparkTrainException;
import scala.runtime.AbstractFunction1;

import java.io.Serializable;

/**
 * A param's {@code isValid} function that refuses a bad value with a message of its own instead
 * of Spark's generic "given invalid value": Spark validates every value set on a param (by a
 * setter, a {@code ParamMap}, a copy or a load) through this function, so the message reaches
 * the caller wherever the value came from.
 */
final class Check<T> extends AbstractFunction1<T, Object> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Throws IllegalArgumentException (or SparkTrainException) saying what is wrong with the value. */
    interface Rule<T> extends Serializable {
        void check(T value);
    }

    private final String name;
    private final Rule<T> rule;

    Check(String name, Rule<T> rule) {
        this.name = name;
        this.rule = rule;
    }

    @Override
    public Object apply(T value) {
        if (value == null) throw new IllegalArgumentException("sparktrain param " + name + ": must not be null");
        try {
            rule.check(value);
        } catch (IllegalArgumentException | SparkTrainException e) {
            throw new IllegalArgumentException(message(name, value, e.getMessage()), e);
        }
        return Boolean.TRUE;
    }

    static String message(String name, Object value, String problem) {
        String shown = value instanceof String s ? "'" + s + "'" : String.valueOf(value);
        return "sparktrain param " + name + " = " + shown + ": " + problem;
    }

    // ------------------------------------------------------------------ common rules

    static Check<Object> atLeast(String name, long min) {
        return new Check<>(name, v -> {
            long x = ((Number) v).longValue();
            if (x < min) throw new IllegalArgumentException("must be >= " + min);
        });
    }

    static Check<Object> finiteAtLeast(String name, double min, String what) {
        return new Check<>(name, v -> {
            double x = ((Number) v).doubleValue();
            if (!(x >= min) || Double.isInfinite(x)) throw new IllegalArgumentException("must be a finite number >= " + min + what);
        });
    }

    static Check<String> choice(String name, String... choices) {
        return new Check<>(name, v -> {
            for (String c : choices) if (c.equalsIgnoreCase(v.strip())) return;
            throw new IllegalArgumentException("expected one of " + String.join(", ", choices));
        });
    }
}
