package dev.sparktrain.golden;

import dev.sparktrain.config.Options;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.optim.clip.GradientClippers;
import dev.sparktrain.optim.lr.Scheduler;
import dev.sparktrain.optim.lr.Schedulers;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.StepBackend;
import dev.sparktrain.train.TrainListener;
import dev.sparktrain.train.TrainSettings;
import dev.sparktrain.train.Trainer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A golden {@code train} case set up for our trainer, and the check of its trajectory. */
final class TrainCase {
    static final double RTOL = 1e-7;
    static final double ATOL = 1e-9;

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

    TrainCase(Map<String, Object> c) {
        this.c = c;
        this.id = (String) c.get("id");
        model = Sequential.parse(LayerJson.spec(Golden.list(c.get("model")), id), id + " model");
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
        List<double[]> paramsPerEpoch = new ArrayList<>();
        Trainer t = new Trainer(opt, sched, clip == null ? null : GradientClippers.create(clipOpts, model.tensorSizes()),
                new TrainSettings(epochs, batch, false, 0, interval));
        t.listen(new TrainListener() {
            @Override
            public void beforeStep(int epoch, long step, Optimizer optimizer) {
                batchLr.add(optimizer.paramGroups().get(0).lr());
                if (optimizer.paramGroups().get(0).has("momentum")) batchMom.add(optimizer.paramGroups().get(0).getDouble("momentum"));
            }

            @Override
            public void afterEpoch(EpochStats st, double[] p) {
                paramsPerEpoch.add(p.clone());
            }
        });
        List<EpochStats> hist = t.fit(params, backend);
        String tag = id + " [" + label + "]";
        double[] epochLoss = Golden.doubles(c.get("epoch_loss"));
        double[] epochLr = Golden.doubles(c.get("epoch_lr"));
        double[][] expectedParams = Golden.matrix(c.get("params_per_epoch"));
        for (int e = 0; e < epochs; e++) {
            Golden.assertClose(epochLoss[e], hist.get(e).trainLoss(), RTOL, ATOL, tag + " epoch_loss[" + e + "]");
            Golden.assertClose(epochLr[e], hist.get(e).lr()[0], RTOL, ATOL, tag + " epoch_lr[" + e + "]");
            Golden.assertClose(expectedParams[e], paramsPerEpoch.get(e), RTOL, ATOL, tag + " params after epoch " + e);
        }
        Golden.assertClose(Golden.num(c.get("final_lr")), opt.paramGroups().get(0).lr(), RTOL, ATOL, tag + " final_lr");
        if (c.get("batch_lr") != null) {
            Golden.assertClose(Golden.doubles(c.get("batch_lr")), unbox(batchLr), RTOL, ATOL, tag + " batch_lr");
        }
        if (c.get("batch_momentum") != null) {
            Golden.assertClose(Golden.doubles(c.get("batch_momentum")), unbox(batchMom), RTOL, ATOL, tag + " batch_momentum");
        }
    }

    private static double[] unbox(List<Double> l) {
        return l.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
