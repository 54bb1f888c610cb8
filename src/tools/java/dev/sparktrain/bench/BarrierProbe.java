package dev.sparktrain.bench;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one step of a persistent execution model would cost in synchronization, against a Spark
 * job per step (docs/SCALING.md, "A step without a job"): N tasks in one barrier stage that stay
 * up for R rounds, each round a {@code BarrierTaskContext.barrier()} or an {@code allGather} of a
 * few scalars (what the driver-side decisions of a sharded step need: loss, counts, norm
 * partials), against R jobs of one stage and of three stages (two shuffles, the sharded step's
 * shape) of N tiny tasks. Times are medians per round / per job on the driver's clock (barrier:
 * task 0's clock). Spark's barrier calls poll their answer with a one-second sleep
 * ({@code BarrierTaskContext.runBarrier}), so the probe also times the same all-gather through a
 * plain TCP coordinator on the driver ({@link SocketGather}): what a round costs when nothing sleeps.
 *
 * <pre>
 *   scripts/barrier-probe.sh                       # local[16], N = 2, 4, 8, 16, 40 rounds
 *   scripts/barrier-probe.sh tasks=2,8 rounds=100 master=spark://host:7077
 * </pre>
 */
public final class BarrierProbe {
    private BarrierProbe() {
    }

    public static void main(String[] args) {
        Map<String, String> a = new HashMap<>(Map.of("tasks", "2,4,8,16", "rounds", "40", "master", "local[16]"));
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0 || !a.containsKey(arg.substring(0, eq))) {
                throw new IllegalArgumentException("BarrierProbe: expected tasks=N,N.. rounds=R master=URL, got '" + arg + "'");
            }
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int rounds = Integer.parseInt(a.get("rounds"));
        SparkConf conf = new SparkConf().setMaster(a.get("master")).setAppName("sparktrain barrier probe")
                .set("spark.ui.enabled", "false");
        try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
            System.out.printf(Locale.ROOT, "BarrierProbe: master %s, %d rounds; medians in ms%n", a.get("master"), rounds);
            System.out.printf(Locale.ROOT, "%6s %12s %12s %12s %12s %14s%n", "tasks", "job 1 stage", "job 3 stages",
                    "barrier()", "allGather", "socket gather");
            for (String t : a.get("tasks").split(",")) {
                int n = Integer.parseInt(t.trim());
                double job1 = median(jobs(jsc, n, rounds, false));
                double job3 = median(jobs(jsc, n, rounds, true));
                double barrier = median(barrierRounds(jsc, n, rounds, false));
                double gather = median(barrierRounds(jsc, n, rounds, true));
                double socket = median(SocketGather.rounds(jsc, n, rounds));
                System.out.printf(Locale.ROOT, "%6d %12.2f %12.2f %12.3f %12.3f %14.3f%n", n, job1, job3, barrier, gather, socket);
            }
        }
    }

    /** Milliseconds of each of {@code rounds} jobs over n one-element partitions (after 5 not timed). */
    private static double[] jobs(JavaSparkContext jsc, int n, int rounds, boolean threeStages) {
        List<Integer> seeds = new ArrayList<>();
        for (int i = 0; i < n; i++) seeds.add(i);
        JavaRDD<Integer> base = jsc.parallelize(seeds, n).cache();
        base.count();
        double[] ms = new double[rounds];
        for (int r = -5; r < rounds; r++) {
            long t0 = System.nanoTime();
            if (threeStages) {
                base.mapToPair(i -> new Tuple2<>(i, new double[] {i})).partitionBy(new org.apache.spark.HashPartitioner(n))
                        .mapToPair(p -> new Tuple2<>((p._1() + 1) % n, p._2())).partitionBy(new org.apache.spark.HashPartitioner(n))
                        .map(p -> p._2()[0]).collect();
            } else {
                base.map(i -> (double) i).collect();
            }
            if (r >= 0) ms[r] = (System.nanoTime() - t0) / 1e6;
        }
        base.unpersist();
        return ms;
    }

    /** Milliseconds of each of {@code rounds} synchronizations among n barrier tasks, on task 0's clock. */
    private static double[] barrierRounds(JavaSparkContext jsc, int n, int rounds, boolean gather) {
        List<Integer> seeds = new ArrayList<>();
        for (int i = 0; i < n; i++) seeds.add(i);
        scala.Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<double[]>> task =
                (scala.Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<double[]>> & java.io.Serializable) it -> {
            BarrierTaskContext ctx = BarrierTaskContext.get();
            double[] ms = new double[rounds];
            String scalars = String.format(Locale.ROOT, "%d %.17g %.17g %d", ctx.partitionId(), 1.0 / 3, Math.PI, 123456789L);
            for (int r = -5; r < rounds; r++) {
                long t0 = System.nanoTime();
                if (gather) {
                    String[] all = ctx.allGather(scalars);
                    if (all.length != n) throw new IllegalStateException("allGather returned " + all.length);
                } else {
                    ctx.barrier();
                }
                if (r >= 0) ms[r] = (System.nanoTime() - t0) / 1e6;
            }
            Iterator<double[]> mine = ctx.partitionId() == 0 ? Collections.singletonList(ms).iterator() : Collections.emptyIterator();
            return CollectionConverters.asScala(mine);
        };
        Object collected = jsc.parallelize(seeds, n).rdd().barrier()
                .mapPartitions(task, false, scala.reflect.ClassTag$.MODULE$.apply(double[].class)).collect();
        double[][] out = (double[][]) collected;
        return out[0];
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
