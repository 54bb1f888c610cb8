package dev.sparktrain.bench;

import dev.sparktrain.data.PackedBlock;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What every section shares: the settings, the SparkContext, the report, and the generated data
 * ({@code blocks}: {@code settings.rows()} rows cached in {@code parts} partitions).
 */
record Session(BenchSettings s, JavaSparkContext jsc, Figures fig, PrintStream out, int parts,
               JavaRDD<PackedBlock> blocks) {

    long n() {
        return s.rows();
    }

    int d() {
        return s.features();
    }

    long seed() {
        return s.seed();
    }

    /** Before a measurement: wait for the other processes on this shared machine to calm down. */
    void quiet() {
        long t0 = System.currentTimeMillis();
        double share = CpuMeter.awaitQuiet(s.quiet(), 1000L * s.quietWait());
        long waited = System.currentTimeMillis() - t0;
        if (share > s.quiet()) {
            out.printf(Locale.ROOT, "  (busy machine: other processes still use %.0f%% of the CPUs after %d s; measuring anyway)%n",
                    100 * share, waited / 1000);
        }
    }

    /**
     * Runs one measurement, and again (up to {@code retries} more times) while other processes
     * took more than the {@code quiet} share of the CPUs during it; keeps the calmest attempt.
     */
    <T> T calm(Supplier<T> run) {
        double max = s.quiet();
        T best = null;
        double bestShare = Double.POSITIVE_INFINITY;
        for (int t = 0; t <= s.retries(); t++) {
            System.gc(); // the previous measurement's garbage (often huge arrays) is not this one's cost
            quiet();
            CpuMeter m = new CpuMeter();
            m.start();
            T r = run.get();
            double share = m.foreignShare();
            if (best == null || share < bestShare || Double.isNaN(share)) {
                best = r;
                bestShare = share;
            }
            if (!(share > max)) break;
        }
        if (bestShare > max) {
            out.printf(Locale.ROOT, "  (other processes took %.0f%% of the CPUs during the next figure, the calmest of %d tries)%n",
                    100 * bestShare, s.retries() + 1);
        }
        return best;
    }

    /**
     * The batch sizes to time, 0 for a full batch (also for any batch >= N): full batch first,
     * then larger to smaller, so long steps warm the kernels before the per-step figures.
     */
    long[] batchList() {
        return batchList(s.batches());
    }

    /** {@link #batchList()} of other batch sizes. */
    long[] batchList(List<Long> batches) {
        List<Long> bs = new ArrayList<>();
        for (long b : batches) {
            if (b >= n()) b = 0;
            if (!bs.contains(b)) bs.add(b);
        }
        bs.sort((a, b) -> Long.compare(b == 0 ? Long.MAX_VALUE : b, a == 0 ? Long.MAX_VALUE : a));
        return bs.stream().mapToLong(Long::longValue).toArray();
    }

    /** A mode's part of a figure name. */
    static String tag(String mode) {
        return mode.equals("shuffle") ? "shuf" : "contig";
    }

    /** A batch size's part of a figure name. */
    static String btag(long batch) {
        return batch == 0 ? "full" : "b" + batch;
    }
}
