package dev.sparktrain.bench;

import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.data.PackedBlock;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Spark's own floor for one synchronous step at parameter count d, with no arithmetic: broadcast a
 * {@code double[d]}, run one task per cached partition that reads it and returns a
 * {@code double[d + 4]} (what a sparktrain task returns: gradient + 4 statistics), add those on
 * the driver, destroy the broadcast. Variants: results collected and added in partition order
 * (the plain Java RDD API way), {@code reduce} (the floor as docs/PERFORMANCE.md defines it),
 * {@code treeAggregate} (what MLlib does), the weights in the task closure instead of a
 * broadcast, SparkBackend's path ({@code SparkContext.runJob} with a plain function, weights
 * inline when small), and empty jobs (no weights, nothing returned) both ways.
 */
final class Floor {
    enum Kind { COLLECT, REDUCE, TREE, EMPTY, CLOSURE, RUNJOB, EMPTY_RUNJOB }

    private Floor() {
    }

    /**
     * Milliseconds of each of {@code reps} timed repetitions (after {@code warm} untimed ones) of
     * every kind, interleaved repetition by repetition so the machine's noise falls on all alike.
     */
    static double[][] time(JavaSparkContext jsc, JavaRDD<PackedBlock> blocks, Kind[] kinds, int d, int warm, int reps) {
        double[] w = new double[d];
        for (int i = 0; i < d; i++) w[i] = 1e-3 * i;
        int[] all = new int[blocks.getNumPartitions()];
        for (int i = 0; i < all.length; i++) all[i] = i;
        double[][] ms = new double[kinds.length][reps];
        double sink = 0;
        for (int r = -warm; r < reps; r++) {
            for (int j = 0; j < kinds.length; j++) {
                int k = Math.floorMod(r, 2) == 0 ? j : kinds.length - 1 - j;
                long t0 = System.nanoTime();
                sink += once(jsc, blocks, kinds[k], w, all);
                long t1 = System.nanoTime();
                if (r >= 0) ms[k][r] = Stats.ms(t1 - t0);
            }
        }
        if (sink == 42.4242) System.out.println(sink); // keep the results alive
        return ms;
    }

    static double[] time(JavaSparkContext jsc, JavaRDD<PackedBlock> blocks, Kind kind, int d, int warm, int reps) {
        return time(jsc, blocks, new Kind[] {kind}, d, warm, reps)[0];
    }

    private static double once(JavaSparkContext jsc, JavaRDD<PackedBlock> blocks, Kind kind, double[] w, int[] all) {
        int d = w.length;
        switch (kind) {
            case EMPTY: {
                List<double[]>[] parts = blocks.mapPartitions((Iterator<PackedBlock> it) ->
                        Collections.<double[]>emptyIterator()).collectPartitions(all);
                return parts.length;
            }
            case COLLECT: {
                Broadcast<double[]> b = jsc.broadcast(w);
                try {
                    List<double[]>[] parts = blocks.mapPartitions(new Touch(b, d + 4)).collectPartitions(all);
                    double[] sum = new double[d + 4];
                    for (List<double[]> part : parts) for (double[] s : part) for (int i = 0; i < sum.length; i++) sum[i] += s[i];
                    return sum[0];
                } finally {
                    b.destroy();
                }
            }
            case CLOSURE: {
                List<double[]>[] parts = blocks.mapPartitions(new TouchInline(w, d + 4)).collectPartitions(all);
                double[] sum = new double[d + 4];
                for (List<double[]> part : parts) for (double[] s : part) for (int i = 0; i < sum.length; i++) sum[i] += s[i];
                return sum[0];
            }
            case RUNJOB: { // SparkBackend's path: runJob with a plain function, weights inline when small
                Broadcast<double[]> b = d > dev.sparktrain.spark.SparkBackend.INLINE_MAX ? jsc.broadcast(w) : null;
                try {
                    double[][] parts = runJob(jsc, blocks, new Direct(b, b == null ? w : null, d + 4), all);
                    double[] sum = new double[d + 4];
                    for (double[] s : parts) for (int i = 0; i < sum.length; i++) sum[i] += s[i];
                    return sum[0];
                } finally {
                    if (b != null) b.destroy();
                }
            }
            case EMPTY_RUNJOB: {
                return runJob(jsc, blocks, new Direct(null, new double[1], 0), all).length;
            }
            case REDUCE: {
                Broadcast<double[]> b = jsc.broadcast(w);
                try {
                    double[] sum = blocks.mapPartitions(new Touch(b, d + 4)).reduce(Floor::addInto);
                    return sum[0];
                } finally {
                    b.destroy();
                }
            }
            case TREE: {
                Broadcast<double[]> b = jsc.broadcast(w);
                try {
                    double[] sum = blocks.mapPartitions(new Touch(b, d + 4))
                            .treeAggregate(new double[d + 4], Floor::addInto, Floor::addInto);
                    return sum[0];
                } finally {
                    b.destroy();
                }
            }
            default:
                throw new IllegalArgumentException(kind.toString());
        }
    }

    static double[][] runJob(JavaSparkContext jsc, JavaRDD<PackedBlock> blocks, Direct f, int[] partitions) {
        return SparkBackend.runJob(jsc, blocks, f, partitions, double[].class);
    }

    /** {@link Touch} as a plain function for {@code SparkContext.runJob} (SparkBackend's way). */
    private static final class Direct
            extends scala.runtime.AbstractFunction2<org.apache.spark.TaskContext, scala.collection.Iterator<PackedBlock>, double[]>
            implements java.io.Serializable {
        private final Broadcast<double[]> weights;
        private final double[] inline;
        private final int len;

        Direct(Broadcast<double[]> weights, double[] inline, int len) {
            this.weights = weights;
            this.inline = inline;
            this.len = len;
        }

        @Override
        public double[] apply(org.apache.spark.TaskContext ctx, scala.collection.Iterator<PackedBlock> it) {
            double[] w = weights != null ? weights.value() : inline;
            double[] out = new double[len];
            if (len == 0) return out;
            while (it.hasNext()) out[0] += it.next().rows();
            out[1] = w[w.length - 1];
            return out;
        }
    }

    static double[] addInto(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) a[i] += b[i];
        return a;
    }

    /** Like {@link Touch} with the weights inside the task closure instead of a broadcast. */
    private record TouchInline(double[] w, int len)
            implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<PackedBlock>, double[]> {
        @Override
        public Iterator<double[]> call(Iterator<PackedBlock> it) {
            double[] out = new double[len];
            while (it.hasNext()) out[0] += it.next().rows();
            out[1] = w[w.length - 1];
            return Collections.singletonList(out).iterator();
        }
    }

    /** Reads the broadcast and the cached block, returns a result vector; no arithmetic. */
    private record Touch(Broadcast<double[]> weights, int len)
            implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<PackedBlock>, double[]> {
        @Override
        public Iterator<double[]> call(Iterator<PackedBlock> it) {
            double[] w = weights.value();
            double[] out = new double[len];
            while (it.hasNext()) out[0] += it.next().rows();
            out[1] = w[w.length - 1];
            return Collections.singletonList(out).iterator();
        }
    }
}
