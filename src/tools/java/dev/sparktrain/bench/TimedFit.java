package dev.sparktrain.bench;

import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.train.BlockWorker;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.TrainListener;
import dev.sparktrain.train.TrainSettings;
import dev.sparktrain.train.Trainer;
import org.apache.spark.api.java.JavaRDD;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Timed sparktrain runs (Trainer + SparkBackend, Adam + clip_grad_norm) and the bare kernel. */
final class TimedFit {
    private TimedFit() {
    }

    /** The timed epochs of one run: medians over them, and each epoch's seconds. */
    record Result(double epochSeconds, double stepMs, double jobMs, double updateMs, double cpuMsPerStep,
                  long steps, double[] epochs) {
    }

    /** CPU time of this whole process (driver and local executors), ns; -1 when unknown. */
    static long processCpuNanos() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : -1;
    }

    /** Trains {@code warmEpochs} untimed then {@code epochs} timed epochs over {@code data}. */
    static Result fit(Session ss, JavaRDD<PackedBlock> data, long rows, BenchModel m, long batch, boolean shuffle,
                      int warmEpochs, int epochs) {
        double[] params = m.net().initParams(ss.seed());
        Trainer trainer = new Trainer(m.adam(ss.s().lr()), null, m.clip(ss.s().maxNorm()),
                new TrainSettings(warmEpochs + epochs, (int) batch, shuffle, ss.seed(), null));
        long b = batch == 0 ? rows : batch;
        long steps = (rows + b - 1) / b;
        List<double[]> perEpoch = new ArrayList<>();
        try (SparkBackend sb = new SparkBackend(ss.jsc(), data, null, m.net(), m.loss(), (int) batch)) {
            TimedBackend tb = new TimedBackend(sb);
            long[] cpu = {processCpuNanos()};
            trainer.listen(new TrainListener() {
                @Override
                public void afterEpoch(EpochStats st, double[] p) {
                    long now = processCpuNanos();
                    perEpoch.add(new double[] {st.seconds(), tb.nanos / 1e6 / Math.max(1, tb.steps),
                            (now - cpu[0]) / 1e6 / Math.max(1, tb.steps)});
                    cpu[0] = now;
                    tb.reset();
                }
            });
            trainer.fit(params, tb);
        }
        List<double[]> timed = perEpoch.subList(warmEpochs, perEpoch.size());
        double[] secs = timed.stream().mapToDouble(x -> x[0]).toArray();
        double[] job = timed.stream().mapToDouble(x -> x[1]).toArray();
        double s = Stats.median(secs);
        double stepMs = s * 1e3 / steps;
        double jobMs = Stats.median(job);
        double cpuMs = Stats.median(timed.stream().mapToDouble(x -> x[2]).toArray());
        return new Result(s, stepMs, jobMs, stepMs - jobMs, cpuMs, steps, secs);
    }

    /** Median wall ms of the kernel alone (no Spark) on {@code batch} rows split over {@code threads} threads. */
    static double computeMs(Session ss, BenchModel m, int batch, int threads) throws Exception {
        return computeMs(ss, m, batch, threads, PackedBlock.Precision.FLOAT64);
    }

    /** {@link #computeMs} over rows stored as {@code storage}. */
    static double computeMs(Session ss, BenchModel m, int batch, int threads, PackedBlock.Precision storage) throws Exception {
        int per = batch / threads;
        PackedBlock[] local = new PackedBlock[threads];
        BlockWorker[] workers = new BlockWorker[threads];
        for (int t = 0; t < threads; t++) {
            local[t] = SyntheticData.block(ss.seed(), ss.d(), (long) t * per, (long) (t + 1) * per, storage);
            workers[t] = new BlockWorker(m.net(), m.loss());
        }
        double[] params = m.net().initParams(ss.seed());
        EpochOrder order = new EpochOrder((long) per * threads, false, ss.seed(), 0);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            int reps = Math.max(5, ss.s().bigSteps());
            double[] ms = new double[reps];
            for (int r = -2; r < reps; r++) {
                long t0 = System.nanoTime();
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    final int tt = t;
                    fs.add(pool.submit(() -> {
                        double[] sums = new double[workers[tt].sumsLength()];
                        workers[tt].accumulate(local[tt], order, 0, 0, (long) per * threads, params, sums);
                    }));
                }
                for (Future<?> f : fs) f.get();
                if (r >= 0) ms[r] = Stats.ms(System.nanoTime() - t0);
            }
            return Stats.median(ms);
        } finally {
            pool.shutdown();
        }
    }
}
