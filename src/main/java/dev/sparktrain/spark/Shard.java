package dev.sparktrain.spark;

import dev.sparktrain.optim.OptimizerShard;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;

/**
 * One owner's slice of the sharded step: parameters [from, to), their optimizer state and, between
 * a step's gradient and its update, the slice's gradient (already divided by the normalizer).
 * Shards are elements of cached RDDs, so they are never changed in place: an update makes a new
 * shard, and a recomputed partition (a retry, a lost executor) starts again from the same input.
 *
 * @param stats the step's loss, normalizer, rows and correct counts (kernel sums layout), with the gradient
 */
record Shard(int index, int from, int to, double[] params, OptimizerShard optimizer, double[] grad, double[] stats)
        implements Serializable {

    Shard withGradient(double[] g, double[] s) {
        return new Shard(index, from, to, params, optimizer, g, s);
    }

    Shard withoutGradient() {
        return new Shard(index, from, to, params, optimizer, null, null);
    }

    /** A copy whose parameters and optimizer state may be changed (the cached shard stays as it was). */
    Shard mutableCopy() {
        return new Shard(index, from, to, params.clone(), deepCopy(optimizer), grad == null ? null : grad.clone(), stats);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Serializable> T deepCopy(T o) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(o);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (T) in.readObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
