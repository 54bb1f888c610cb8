package dev.sparktrain.spark;

import dev.sparktrain.optim.OptimizerShard;

import java.io.Serializable;

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
        return new Shard(index, from, to, params.clone(), optimizer.copy(), grad == null ? null : grad.clone(), stats);
    }
}
