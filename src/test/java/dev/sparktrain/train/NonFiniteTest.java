package dev.sparktrain.train;

import dev.sparktrain.store.MetricsLog;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.data.EpochOrder;
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
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A NaN/Inf loss or gradient in the middle of a run, on the local backend (no Spark): with
 * {@code train.nonfinite = stop} the run stops naming the epoch and step, before the optimizer
 * touches the weights; with {@code skip} the step is skipped (no optimizer step, as AMP's
 * GradScaler), counted, and reported by the progress printer and the metrics files.
 */
class NonFiniteTest {
    private static final Sequential MODEL = Sequential.parse("linear(2,3)", "test");
    private static final Loss LOSS = Losses.create("CrossEntropyLoss", Options.empty("l"), 3);

    @TempDir
    Path tmp;

    /** The local backend with one step's (or the validation's) sums made non-finite, as a broken batch would. */
    private static final class Poisoned implements StepBackend {
        final LocalBackend inner = new LocalBackend(MODEL, LOSS, TinyData.blocks(10), TinyData.blocks(6), 0);
        final int epoch;   // 1-based
        final int step;    // 1-based within the epoch; 0 = the validation pass
        final String what; // loss | grad
        int validations;

        Poisoned(int epoch, int step, String what) {
            this.epoch = epoch;
            this.step = step;
            this.what = what;
        }

        @Override
        public long trainRows() {
            return inner.trainRows();
        }

        @Override
        public StepSums batchSums(double[] params, EpochOrder order, int e, int s, long from, long to) {
            StepSums sums = inner.batchSums(params, order, e, s, from, to);
            return e + 1 == epoch && s + 1 == step ? poison(sums) : sums;
        }

        @Override
        public StepSums validationSums(double[] params) {
            StepSums sums = inner.validationSums(params);
            return step == 0 && ++validations == epoch ? poison(sums) : sums;
        }

        private StepSums poison(StepSums s) {
            if (what.equals("loss")) return new StepSums(s.grad(), Double.NaN, s.normalizer(), s.rows(), s.correct());
            if (s.grad().length > 1) s.grad()[1] = Double.NEGATIVE_INFINITY;
            return s;
        }
    }

    private static Optimizer adam() {
        return Optimizers.create("Adam", new Options("t", Map.of("lr", 0.05)), GroupSpec.all(MODEL.paramCount()));
    }

    /** Records the weights after every optimizer step and at every skipped step. */
    private static final class Recorder implements TrainListener {
        final double[] params;
        final List<double[]> afterStep = new ArrayList<>();
        final List<String> skipped = new ArrayList<>();
        final List<double[]> atSkip = new ArrayList<>();
        int epochs;

        Recorder(double[] params) {
            this.params = params;
        }

        @Override
        public void afterStep(StepStats s) {
            afterStep.add(params.clone());
        }

        @Override
        public void skippedStep(int epoch, long step, String reason) {
            skipped.add(epoch + "/" + step + ": " + reason);
            atSkip.add(params.clone());
        }

        @Override
        public void afterEpoch(EpochStats s, double[] p) {
            epochs++;
        }
    }

    private static TrainSettings settings(int epochs, TrainSettings.NonFinite mode) {
        return new TrainSettings(epochs, 4, true, 7, null, mode);
    }

    @Test
    void nanLossStopsNamingEpochAndStepBeforeTheOptimizerStep() {
        double[] p = MODEL.initParams(1);
        Recorder r = new Recorder(p);
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> new Trainer(adam(), null, null,
                settings(3, TrainSettings.NonFinite.STOP)).listen(r).fit(p, new Poisoned(2, 3, "loss")));
        assertEquals("epoch 2 step 3: the loss is NaN (diverged or bad data); stopped before the optimizer step, the last "
                + "checkpoint is intact; lower the lr, enable clipping, or set train.nonfinite = skip", e.getMessage());
        assertEquals(1, r.epochs, "epoch 1 finished (its checkpoint is the last good state), epoch 2 did not");
        assertEquals(5, r.afterStep.size(), "3 steps of epoch 1, 2 of epoch 2");
        assertArrayEquals(r.afterStep.get(4), p, "the weights are those before the bad step: it changed nothing");
    }

    @Test
    void aBatchWhoseWeightsAddUpToZeroIsNamed() {
        double[] w = new double[10];
        Arrays.fill(w, 1.0);
        Arrays.fill(w, 4, 8, 0.0);   // the second batch of 4 (no shuffling)
        PackedBlock[] blocks = {TinyData.blocks(10)[0].withWeights(w)};
        double[] p = MODEL.initParams(1);
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> new Trainer(adam(), null, null,
                new TrainSettings(2, 4, false, 7, null, TrainSettings.NonFinite.STOP))
                .fit(p, new LocalBackend(MODEL, LOSS, blocks, null, 4)));
        assertEquals("epoch 1 step 2: the batch's sample weights (times its targets' class weights) add up to 0, or every "
                + "row's label is the loss's ignore_index, so its mean loss is 0/0 (diverged or bad data); stopped before the optimizer step, the last checkpoint is "
                + "intact; lower the lr, enable clipping, or set train.nonfinite = skip", e.getMessage());
    }

    @Test
    void infiniteGradientStopsTooWithAndWithoutClipping() {
        double[] p = MODEL.initParams(1);
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> new Trainer(adam(), null, null,
                settings(3, TrainSettings.NonFinite.STOP)).fit(p, new Poisoned(1, 2, "grad")));
        assertTrue(e.getMessage().startsWith("epoch 1 step 2: the gradient norm is Infinity (diverged or bad data); stopped"),
                e.getMessage());
        for (String clip : List.of("max_norm", "clip_value")) {
            double[] q = MODEL.initParams(1);
            var clipper = GradientClippers.create(new Options("clip", Map.of(clip, 1.0)), MODEL.tensorSizes());
            e = assertThrows(SparkTrainException.class, () -> new Trainer(adam(), null, clipper,
                    settings(3, TrainSettings.NonFinite.STOP)).fit(q, new Poisoned(2, 1, "grad")));
            assertTrue(e.getMessage().startsWith("epoch 2 step 1: the gradient norm is "), clip + ": " + e.getMessage());
        }
    }

    @Test
    void nonFiniteValidationLossStopsBeforeTheEpochIsReported() {
        double[] p = MODEL.initParams(1);
        Recorder r = new Recorder(p);
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> new Trainer(adam(), null, null,
                settings(3, TrainSettings.NonFinite.SKIP)).listen(r).fit(p, new Poisoned(2, 0, "loss")));
        assertEquals("epoch 2 validation: the loss is NaN (diverged); stopped before this epoch's checkpoint, the last "
                + "checkpoint is intact", e.getMessage());
        assertEquals(1, r.epochs);
    }

    @Test
    void skipModeSkipsTheOptimizerStepCountsItAndKeepsTheSchedule() {
        double[] p = MODEL.initParams(1);
        Recorder r = new Recorder(p);
        Optimizer opt = adam();
        Scheduler sched = Schedulers.create("StepLR", opt, new Options("s", Map.of("step_size", 1, "gamma", 0.5)));
        TrainSettings ts = new TrainSettings(3, 4, true, 7, Scheduler.Interval.STEP, TrainSettings.NonFinite.SKIP);
        Trainer t = new Trainer(opt, sched, null, ts).listen(r);
        List<EpochStats> h = t.fit(p, new Poisoned(2, 2, "grad"));

        assertEquals(3, h.size(), "the run went on");
        assertEquals(1, t.skippedSteps());
        assertEquals(List.of("2/5: epoch 2 step 2: the gradient norm is Infinity"), r.skipped);
        assertEquals(8, r.afterStep.size(), "9 batches, 8 optimizer steps");
        assertArrayEquals(r.afterStep.get(3), r.atSkip.get(0), "the skipped step left the weights alone");
        @SuppressWarnings("unchecked")
        Map<String, Object> group = ((List<Map<String, Object>>) opt.state().get("state")).get(0);
        assertEquals(8L, ((Number) group.get("step")).longValue(), "Adam's step count: the skipped step is not one");
        assertEquals(0.05 * Math.pow(0.5, 9), opt.paramGroups().get(0).lr(), 1e-15, "the per-step schedule still advanced 9 times");
        assertEquals(9, h.get(2).steps(), "batches are still numbered 1..9");
        for (EpochStats s : h) assertTrue(Double.isFinite(s.trainLoss()) && Double.isFinite(s.valLoss()));
        for (double v : p) assertTrue(Double.isFinite(v));
    }

    @Test
    void skippedStepsAppearInTheProgressLinesAndTheMetricsFiles() throws Exception {
        double[] p = MODEL.initParams(1);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        Configuration conf = new Configuration();
        String dir = tmp.resolve("run").toString();
        MetricsLog metrics = new MetricsLog(dir, conf, true, false, List.of()).countSkippedSteps();
        new Trainer(adam(), null, null, settings(3, TrainSettings.NonFinite.SKIP))
                .listen(new ProgressPrinter(out, 3)).listen(metrics).fit(p, new Poisoned(2, 3, "loss"));
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("epoch 2 step 3: the loss is NaN; optimizer step skipped (train.nonfinite = skip)\n"), printed);
        List<String> epochLines = printed.lines().filter(l -> l.startsWith("epoch ") && l.contains("/3")).toList();
        assertFalse(epochLines.get(0).contains("skipped"), epochLines.get(0));
        assertTrue(epochLines.get(1).contains("  skipped 1 step  "), epochLines.get(1));
        assertFalse(epochLines.get(2).contains("skipped"), epochLines.get(2));

        assertEquals(1, metrics.skippedSteps());
        List<Map<String, Object>> rows = MetricsLog.read(dir, conf);
        List<Object> perEpoch = rows.stream().filter(m -> "epoch".equals(m.get("kind"))).map(m -> m.get("skipped_steps")).toList();
        assertEquals(List.of(0, 1, 0), perEpoch);
        Map<String, Object> skippedRow = rows.stream().filter(m -> Integer.valueOf(1).equals(m.get("skipped_steps"))
                && "step".equals(m.get("kind"))).findFirst().orElseThrow();
        assertEquals(2, skippedRow.get("epoch"));
        assertEquals(6, skippedRow.get("step"));
        assertEquals(null, skippedRow.get("train_loss"));
        String csv = Files.readString(Path.of(dir, MetricsLog.CSV));
        assertTrue(csv.startsWith("kind,epoch,step,train_loss,train_accuracy,val_loss,val_accuracy,val_rmse,lr_0,grad_norm,"
                + "seconds,rows_per_second,skipped_steps\n"), csv);
    }

    @Test
    void withoutAnySkipTheMetricsKeepTheirUsualColumnsAndTheWeightsMatchStopMode() {
        double[] a = MODEL.initParams(1);
        double[] b = MODEL.initParams(1);
        new Trainer(adam(), null, null, settings(2, TrainSettings.NonFinite.STOP)).fit(a, new Poisoned(9, 1, "loss"));
        new Trainer(adam(), null, null, settings(2, TrainSettings.NonFinite.SKIP)).fit(b, new Poisoned(9, 1, "loss"));
        assertArrayEquals(a, b, "skip mode changes nothing while every value is finite");
        assertNotEquals(Arrays.toString(a), Arrays.toString(MODEL.initParams(1)));
        assertFalse(MetricsLog.csv(List.of(Map.of("kind", "epoch", "epoch", 1))).contains("skipped_steps"));
    }
}
