package dev.sparktrain.golden;

import dev.sparktrain.config.Options;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Precision;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.optim.clip.GradientClipper;
import dev.sparktrain.optim.clip.GradientClippers;
import dev.sparktrain.optim.lr.Scheduler;
import dev.sparktrain.optim.lr.Schedulers;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.StepBackend;
import dev.sparktrain.train.StepStats;
import dev.sparktrain.train.TrainListener;
import dev.sparktrain.train.TrainSettings;
import dev.sparktrain.train.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A golden {@code train} case set up for our trainer, and the check of its trajectory. A case with
 * {@code "dtype": "float32"} trains a {@link Precision#FLOAT32} model and is checked at the float32
 * tolerances ({@link Float32GoldenTest} says why they are what they are).
 */
final class TrainCase {
    static final double RTOL = 1e-7;
    static final double ATOL = 1e-9;
    /** Float32 cases, losses (epoch and step), relative; measured at most 1.7e-6 ({@link Float32GoldenTest}). */
    static final double F32_LOSS_RTOL = 2e-5;
    /** Float32 cases, parameters, relative to the epoch's largest |parameter|; measured at most 3.2e-7 (Float32GoldenTest). */
    static final double F32_PARAM_RTOL = 3e-6;

    final Map<String, Object> c;
    final String id;
    final Sequential model;
    final Loss loss;
    final int features;
    final double[] x;
    final double[] y;
    final int targetWidth;
    /** Per-row sample weights ("w"), or null. */
    final double[] w;

    /** The precision the case was recorded in ({@code dtype}); the checks' tolerances follow it. */
    final Precision recorded;

    TrainCase(Map<String, Object> c) {
        this(c, dtype(c));
    }

    /** The case trained by a model computing in {@code precision} (not necessarily the recorded one). */
    TrainCase(Map<String, Object> c, Precision precision) {
        this.c = c;
        this.id = (String) c.get("id");
        recorded = dtype(c);
        model = Sequential.parse(LayerJson.spec(Golden.list(c.get("model")), id), id + " model").withPrecision(precision);
        Map<String, Object> lossSpec = Golden.map(c.get("loss"));
        loss = Losses.create((String) lossSpec.get("name"), Golden.options(lossSpec.get("options"), id + " loss"),
                model.outFeatures());
        features = ((Number) c.get("features")).intValue();
        double[][] rows = Golden.matrix(c.get("x"));
        x = new double[rows.length * features];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, x, i * features, features);
        targetWidth = loss.targetWidth(model.outFeatures());
        boolean rowsOfValues = Golden.list(c.get("y")).get(0) instanceof List;   // regression: n rows of outputs
        y = rowsOfValues ? flatten(Golden.matrix(c.get("y")), targetWidth) : Golden.doubles(c.get("y"));
        w = c.get("w") == null ? null : Golden.doubles(c.get("w"));
    }

    /** {@code float32} or {@code float64} (the shared cases, which have none); anything else fails. */
    static Precision dtype(Map<String, Object> c) {
        Object d = c.get("dtype");
        Precision p = d == null ? Precision.FLOAT64 : Precision.parse(String.valueOf(d));
        if (p == null) throw new IllegalArgumentException(c.get("id") + ": unknown dtype " + d);
        return p;
    }

    int rows() {
        return y.length / targetWidth;
    }

    PackedBlock[] oneBlock() {
        return new PackedBlock[] {PackedBlock.dense(0, rows(), features, targetWidth, x, y).withWeights(w)};
    }

    private static double[] flatten(double[][] m, int width) {
        double[] f = new double[m.length * width];
        for (int i = 0; i < m.length; i++) System.arraycopy(m[i], 0, f, i * width, width);
        return f;
    }

    /** Runs the case against {@code backend} and checks every recorded figure. */
    void runAndCheck(StepBackend backend, String label) {
        check(run(backend), label);
    }

    /** What a run of the case recorded: epoch stats, every step's loss, parameters after each epoch, the lrs. */
    record Run(List<EpochStats> epochs, double[] stepLoss, List<double[]> params, double[] batchLr, double[] batchMomentum,
               double finalLr) {
        double[] epochLoss() {
            return epochs.stream().mapToDouble(EpochStats::trainLoss).toArray();
        }
    }

    /** Trains the case from {@code params0} against {@code backend}. */
    Run run(StepBackend backend) {
        return run((params, opt, clipper) -> backend);
    }

    /** Makes the backend of a run from its starting parameters, optimizer and clipper (the sharded step needs them). */
    @FunctionalInterface
    interface BackendFor {
        StepBackend make(double[] params, Optimizer optimizer, GradientClipper clipper);
    }

    /** Trains the case from {@code params0} against the backend {@code backendFor} makes. */
    Run run(BackendFor backendFor) {
        Map<String, Object> o = Golden.map(c.get("optimizer"));
        double[] params = Golden.doubles(c.get("params0"));
        Optimizer opt = Optimizers.create((String) o.get("name"), Golden.options(o.get("options"), id),
                GroupSpec.all(params.length));
        Map<String, Object> s = Golden.map(c.get("scheduler"));
        Scheduler sched = s == null ? null
                : Schedulers.create((String) s.get("name"), opt, Golden.options(s.get("options"), id + " scheduler"));
        Scheduler.Interval interval = s == null ? null
                : "batch".equals(s.get("interval")) ? Scheduler.Interval.STEP : Scheduler.Interval.EPOCH;
        Map<String, Object> clip = Golden.map(c.get("clip"));
        Options clipOpts = new Options(id + " clip", clip == null ? Map.of() : clip);
        int epochs = ((Number) c.get("epochs")).intValue();
        int batch = ((Number) c.get("batch_size")).intValue();
        List<Double> batchLr = new ArrayList<>();
        List<Double> batchMom = new ArrayList<>();
        List<Double> stepLoss = new ArrayList<>();
        List<double[]> paramsPerEpoch = new ArrayList<>();
        GradientClipper clipper = clip == null ? null : GradientClippers.create(clipOpts, model.tensorSizes());
        Trainer t = new Trainer(opt, sched, clipper, new TrainSettings(epochs, batch, false, 0, interval));
        StepBackend backend = backendFor.make(params, opt, clipper);
        t.listen(new TrainListener() {
            @Override
            public void beforeStep(int epoch, long step, Optimizer optimizer) {
                batchLr.add(optimizer.paramGroups().get(0).lr());
                if (optimizer.paramGroups().get(0).has("momentum")) batchMom.add(optimizer.paramGroups().get(0).getDouble("momentum"));
            }

            @Override
            public void afterStep(StepStats st) {
                stepLoss.add(st.loss());
            }

            @Override
            public void afterEpoch(EpochStats st, double[] p) {
                paramsPerEpoch.add(p.clone());
            }
        });
        List<EpochStats> hist = t.fit(params, backend);
        return new Run(hist, unbox(stepLoss), paramsPerEpoch, unbox(batchLr), unbox(batchMom), opt.paramGroups().get(0).lr());
    }

    /** Checks a run against every recorded figure, at the tolerances of the case's dtype. */
    void check(Run r, String label) {
        String tag = id + " [" + label + "]";
        int epochs = ((Number) c.get("epochs")).intValue();
        boolean f32 = recorded == Precision.FLOAT32;
        double lossRtol = f32 ? F32_LOSS_RTOL : RTOL;
        double lossAtol = f32 ? 0 : ATOL;
        double[] epochLoss = Golden.doubles(c.get("epoch_loss"));
        double[] epochLr = Golden.doubles(c.get("epoch_lr"));
        double[][] expectedParams = Golden.matrix(c.get("params_per_epoch"));
        for (int e = 0; e < epochs; e++) {
            Golden.assertClose(epochLoss[e], r.epochs().get(e).trainLoss(), lossRtol, lossAtol, tag + " epoch_loss[" + e + "]");
            Golden.assertClose(epochLr[e], r.epochs().get(e).lr()[0], RTOL, ATOL, tag + " epoch_lr[" + e + "]");
            if (f32) {
                Golden.assertClose(expectedParams[e], r.params().get(e), 0, F32_PARAM_RTOL * maxAbs(expectedParams[e]),
                        tag + " params after epoch " + e);
            } else {
                Golden.assertClose(expectedParams[e], r.params().get(e), RTOL, ATOL, tag + " params after epoch " + e);
            }
        }
        if (c.get("step_loss") != null) {
            Golden.assertClose(Golden.doubles(c.get("step_loss")), r.stepLoss(), lossRtol, lossAtol, tag + " step_loss");
        }
        Golden.assertClose(Golden.num(c.get("final_lr")), r.finalLr(), RTOL, ATOL, tag + " final_lr");
        if (c.get("batch_lr") != null) {
            Golden.assertClose(Golden.doubles(c.get("batch_lr")), r.batchLr(), RTOL, ATOL, tag + " batch_lr");
        }
        if (c.get("batch_momentum") != null) {
            Golden.assertClose(Golden.doubles(c.get("batch_momentum")), r.batchMomentum(), RTOL, ATOL, tag + " batch_momentum");
        }
    }

    static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    private static double[] unbox(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
