package dev.sparktrain.bench;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.linalg.Vector;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

import java.util.Locale;

/**
 * The {@code mllib} section: MLlib's runMiniBatchSGD (logistic) at each batch size and its
 * MultilayerPerceptronClassifier, on the same rows as sparktrain ({@link MllibBench}).
 */
final class MllibSection {
    private MllibSection() {
    }

    static void run(Session ss) {
        Figures fig = ss.fig();
        JavaSparkContext jsc = ss.jsc();
        long n = ss.n();
        int d = ss.d();
        fig.section("mllib", "MLlib on the same rows");
        long t0 = System.nanoTime();
        RDD<Tuple2<Object, Vector>> pairs = SyntheticData.mllibPairs(jsc, ss.blocks());
        fig.put("mllib_pairs_build_s", (System.nanoTime() - t0) / 1e9, "s", "build + cache RDD[(Double, Vector)]");
        fig.put("mllib_pairs_cached_bytes", SyntheticData.cachedBytes(jsc, pairs.id()), "bytes",
                "its cached bytes (vs N x d x 8 = " + 8L * n * d + ")");
        try {
            int iters = ss.s().mllibSgdIters();
            JobTimeline sgdJobs = new JobTimeline();
            jsc.sc().addSparkListener(sgdJobs);
            try {
                for (long batch : ss.batchList()) {
                    double frac = batch == 0 ? 1.0 : batch / (double) n;
                    int it = batch == 0 ? Math.max(2, iters / 4) : iters;
                    MllibBench.sgdStepSeconds(pairs, d, frac, 2, sgdJobs); // warm
                    double step = ss.calm(() -> MllibBench.sgdStepSeconds(pairs, d, frac, it, sgdJobs));
                    long b = batch == 0 ? n : batch;
                    long steps = (n + b - 1) / b;
                    String key = "mllib_sgd_" + Session.btag(batch);
                    fig.put(key + "_step_ms", step * 1e3, "ms", String.format(Locale.ROOT,
                            "runMiniBatchSGD logistic, miniBatchFraction %.6g: step", frac));
                    fig.put(key + "_epoch_s", step * steps, "s", "  x " + steps + " steps = one epoch's worth");
                }
            } finally {
                jsc.sc().removeSparkListener(sgdJobs);
            }
        } finally {
            pairs.unpersist(true);
        }

        SparkSession spark = SparkSession.builder().sparkContext(jsc.sc()).getOrCreate();
        t0 = System.nanoTime();
        Dataset<Row> df = SyntheticData.mlFrame(spark, ss.blocks());
        fig.put("mllib_df_build_s", (System.nanoTime() - t0) / 1e9, "s", "build + cache the DataFrame (label, features)");
        JobTimeline tl = new JobTimeline();
        jsc.sc().addSparkListener(tl);
        try {
            int iters = ss.s().mllibMlpIters();
            MllibBench.MlpTiming t = ss.calm(() -> MllibBench.mlp(df, new int[] {d, 64, 2}, iters, tl, ss.seed()));
            fig.put("mllib_mlp_fit_s", t.fitSeconds(), "s", "MultilayerPerceptronClassifier(" + d + ",64,2, gd) fit, maxIter "
                    + iters);
            fig.put("mllib_mlp_setup_s", t.setupSeconds(), "s", "  of which before the first iteration (stacking into blocks)");
            fig.put("mllib_mlp_gd_iter_s", t.perIteration(), "s", "  per gd iteration (one full gradient pass; "
                    + t.iterations() + " timed)");
        } finally {
            jsc.sc().removeSparkListener(tl);
            df.unpersist(true);
        }
    }
}
