package dev.sparktrain.bench;

import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.optimization.GradientDescent;
import org.apache.spark.mllib.optimization.LogisticGradient;
import org.apache.spark.mllib.optimization.SimpleUpdater;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Tuple2;

import java.util.List;

/** MLlib's own trainers on the same rows, timed the way their users would run them. */
final class MllibBench {
    private MllibBench() {
    }

    /**
     * Seconds per step of {@code runMiniBatchSGD} (LogisticGradient, SimpleUpdater, step 1.0, no
     * regularization, convergenceTol 0 so it never stops early): the span of its iteration jobs
     * ({@code treeAggregate at GradientDescent}, one per step, driver updates between them
     * included) over their number, so its one-off {@code count()} is left out.
     */
    static double sgdStepSeconds(RDD<Tuple2<Object, Vector>> data, int d, double fraction, int iterations,
                                 JobTimeline timeline) {
        timeline.clear();
        Tuple2<Vector, double[]> r = GradientDescent.runMiniBatchSGD(data, new LogisticGradient(), new SimpleUpdater(),
                1.0, iterations, 0.0, fraction, Vectors.zeros(d), 0.0);
        if (r._1().size() != d) throw new IllegalStateException("unexpected weights");
        List<JobTimeline.Job> iters = timeline.jobs("treeAggregate at GradientDescent");
        if (iters.isEmpty()) return Double.NaN;
        return (iters.get(iters.size() - 1).end() - iters.get(0).start()) / 1e3 / iters.size();
    }

    record MlpTiming(double fitSeconds, double perIteration, double setupSeconds, int iterations) {
    }

    /**
     * One {@code MultilayerPerceptronClassifier.fit} (layers 100,64,2, solver gd, tol 0 so every
     * iteration runs); the iterations are the {@code treeAggregate} jobs of its GradientDescent,
     * told apart from the set-up (data stacking) by their job times.
     */
    static MlpTiming mlp(Dataset<Row> df, int[] layers, int maxIter, JobTimeline timeline, long seed) {
        MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier()
                .setLayers(layers).setSolver("gd").setMaxIter(maxIter).setTol(0.0).setStepSize(0.03)
                .setBlockSize(128).setSeed(seed);
        timeline.clear();
        long t0 = System.currentTimeMillis();
        mlp.fit(df);
        long t1 = System.currentTimeMillis();
        List<JobTimeline.Job> iters = timeline.jobs("treeAggregate at GradientDescent");
        if (iters.isEmpty()) return new MlpTiming((t1 - t0) / 1e3, Double.NaN, Double.NaN, 0);
        long first = iters.get(0).start();
        long last = iters.get(iters.size() - 1).end();
        double per = (last - first) / 1e3 / iters.size();
        return new MlpTiming((t1 - t0) / 1e3, per, (first - t0) / 1e3, iters.size());
    }
}
