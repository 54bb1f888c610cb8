package dev.sparktrain.spark;

import dev.sparktrain.config.Options;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.optim.clip.GradientClipper;
import dev.sparktrain.optim.clip.GradientClippers;
import dev.sparktrain.optim.lr.Scheduler;
import dev.sparktrain.optim.lr.Schedulers;
import dev.sparktrain.spark.load.Blocks;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.LocalBackend;
import dev.sparktrain.train.StepBackend;
import dev.sparktrain.train.TrainSettings;
import dev.sparktrain.train.Trainer;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.sparktrain.spark.SameBitsBackendTest.BATCH;
import static dev.sparktrain.spark.SameBitsBackendTest.D;
import static dev.sparktrain.spark.SameBitsBackendTest.LAYOUTS;
import static dev.sparktrain.spark.SameBitsBackendTest.N;
import static dev.sparktrain.spark.SameBitsBackendTest.ROWS;
import static dev.sparktrain.spark.SameBitsBackendTest.VAL;
import static dev.sparktrain.spark.SameBitsBackendTest.bits;
import static dev.sparktrain.spark.SameBitsBackendTest.jsc;
import static dev.sparktrain.spark.SameBitsBackendTest.scaled;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14: the sharded optimizer step (parameters and optimizer state in slices on the executors)
 * trains to the bits of the driver-side step, for every optimizer, with param groups, clipping and
 * a per-step scheduler, on uneven partitionings; the state assembled from the slices is the
 * driver-side optimizer's.
 */
class ShardedStepTest {
    static final Sequential MODEL = Sequential.parse("linear(8,16), tanh, linear(16,3)", "t");

    /** One optimizer set-up: its options, the clipping, a per-step scheduler, and whether biases get their own group. */
    record Case(String optimizer, Map<String, Object> options, Map<String, Object> clip, String scheduler,
                Map<String, Object> schedulerOptions, boolean biasGroup) {
        static Case of(String optimizer, Map<String, Object> options, Map<String, Object> clip) {
            return new Case(optimizer, options, clip, null, null, false);
        }

        Optimizer newOptimizer(Sequential model) {
            List<GroupSpec> groups = biasGroup
                    ? List.of(GroupSpec.of(model.tensorSizes(), model.biasTensors(), false, Options.empty("weights")),
                    GroupSpec.of(model.tensorSizes(), model.biasTensors(), true, new Options("biases", Map.of("lr", 0.002))))
                    : GroupSpec.all(model.paramCount());
            return Optimizers.create(optimizer, new Options("optimizer", options), groups);
        }

        GradientClipper clipper(Sequential model) {
            return GradientClippers.create(new Options("clip", clip), model.tensorSizes());
        }

        @Override
        public String toString() {
            return optimizer + options + " clip " + clip + (scheduler == null ? "" : " " + scheduler) + (biasGroup ? " 2 groups" : "");
        }
    }

    static final List<Case> CASES = List.of(
            Case.of("SGD", Map.of("lr", 0.1), Map.of()),
            Case.of("SGD", Map.of("lr", 0.05, "momentum", 0.9, "nesterov", true, "weight_decay", 0.01), Map.of("max_norm", 0.5)),
            new Case("SGD", Map.of("lr", 0.05, "momentum", 0.8, "dampening", 0.3), Map.of("clip_value", 0.05), null, null, true),
            Case.of("Adam", Map.of("lr", 0.01, "amsgrad", true, "weight_decay", 0.001), Map.of("max_norm", 1.0, "norm_type", "inf")),
            new Case("AdamW", Map.of("lr", 0.01), Map.of("max_norm", 0.3, "norm_type", 1.0), "OneCycleLR",
                    Map.of("max_lr", 0.05, "total_steps", 20), true),
            Case.of("RMSprop", Map.of("lr", 0.005, "momentum", 0.5, "centered", true), Map.of("max_norm", 0.7)),
            Case.of("Adagrad", Map.of("lr", 0.05, "lr_decay", 0.01, "initial_accumulator_value", 0.1), Map.of()),
            Case.of("Adadelta", Map.of("lr", 1.0, "weight_decay", 0.01), Map.of("max_norm", 2.0, "norm_type", 3.0)),
            Case.of("Adamax", Map.of("lr", 0.01), Map.of("clip_value", 0.1)),
            new Case("NAdam", Map.of("lr", 0.01, "momentum_decay", 0.004), Map.of("max_norm", 0.5), null, null, true),
            Case.of("RAdam", Map.of("lr", 0.01, "weight_decay", 0.01), Map.of("max_norm", 0.5)));

    record Run(long[] params, long[] valLoss, long[] gradNorm, Map<String, Object> optimizerState) {
        void assertSame(Run ref, String what) {
            assertArrayEquals(ref.params, params, what + ": weights");
            assertArrayEquals(ref.valLoss, valLoss, what + ": validation loss");
            assertArrayEquals(ref.gradNorm, gradNorm, what + ": gradient norm");
            assertEquals(ref.optimizerState.keySet(), optimizerState.keySet(), what);
            assertEquals(String.valueOf(deep(ref.optimizerState)), String.valueOf(deep(optimizerState)), what + ": optimizer state");
        }
    }

    /** Arrays shown by value, so states compare as text. */
    static Object deep(Object o) {
        if (o instanceof double[] d) return Arrays.toString(Arrays.stream(d).mapToLong(Double::doubleToRawLongBits).toArray());
        if (o instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            m.forEach((k, v) -> b.append(k).append('=').append(deep(v)).append(", "));
            return b.append('}').toString();
        }
        if (o instanceof List<?> l) return l.stream().map(ShardedStepTest::deep).toList().toString();
        return o;
    }

    static Run train(Case c, boolean shuffle, java.util.function.BiFunction<double[], Optimizer, StepBackend> backend) {
        return train(c, MODEL, 3, BATCH, shuffle, backend);
    }

    static Run train(Case c, Sequential model, int epochs, int batch, boolean shuffle,
                     java.util.function.BiFunction<double[], Optimizer, StepBackend> backend) {
        double[] p = model.initParams(4);
        Optimizer opt = c.newOptimizer(model);
        Scheduler sched = c.scheduler() == null ? null
                : Schedulers.create(c.scheduler(), opt, new Options("scheduler", c.schedulerOptions()));
        Trainer t = new Trainer(opt, sched, c.clipper(model), new TrainSettings(epochs, batch, shuffle, 17, null));
        List<EpochStats> h;
        try (StepBackend b = backend.apply(p, opt)) {
            h = t.fit(p, b);
        }
        return new Run(bits(p), bits(h.stream().mapToDouble(EpochStats::valLoss).toArray()),
                bits(h.stream().mapToDouble(EpochStats::gradNorm).toArray()), opt.state());
    }

    static Loss loss() {
        return Losses.create("CrossEntropyLoss", Options.empty("loss"), 3);
    }

    static Run local(Case c, boolean shuffle) {
        PackedBlock[] train = {PackedBlock.dense(0, N, D, 1, Arrays.copyOf(ROWS[0], N * D), Arrays.copyOf(ROWS[1], N))};
        PackedBlock[] val = {PackedBlock.dense(0, VAL, D, 1, Arrays.copyOfRange(ROWS[0], N * D, (N + VAL) * D),
                Arrays.copyOfRange(ROWS[1], N, N + VAL))};
        return train(c, shuffle, (p, opt) -> new LocalBackend(MODEL, loss(), train, val, BATCH));
    }

    static Run sharded(Case c, int[][] layout, boolean shuffle, int shards) {
        JavaRDD<PackedBlock> train = Blocks.fromArrays(jsc(), Arrays.copyOf(ROWS[0], N * D), Arrays.copyOf(ROWS[1], N), D, 1,
                scaled(layout[0]));
        JavaRDD<PackedBlock> val = Blocks.fromArrays(jsc(), Arrays.copyOfRange(ROWS[0], N * D, (N + VAL) * D),
                Arrays.copyOfRange(ROWS[1], N, N + VAL), D, 1, scaled(layout[1]));
        try {
            return train(c, shuffle, (p, opt) -> {
                ShardedStep s = new ShardedStep(new SparkBackend(jsc(), train, val, MODEL, loss(), BATCH), p, opt,
                        new SliceNorm(c.clipper(MODEL), MODEL.paramCount()), shards);
                // clip_grad_norm_ sums per tensor (4 pieces here); the logged 2-norm per 65536 values (1 piece)
                assertEquals(Math.min(shards, c.clip().containsKey("max_norm") ? 4 : 1) + 1, s.bounds().length);
                return s;
            });
        } finally {
            train.unpersist(false);
            val.unpersist(false);
        }
    }

    @Test
    void everyOptimizerTrainsToTheDriverSideStepsBitsOnItsOwners() {
        for (int i = 0; i < CASES.size(); i++) {
            Case c = CASES.get(i);
            boolean shuffle = i % 3 != 2;
            Run ref = local(c, shuffle);
            int[][] layout = LAYOUTS[1 + i % 3];
            sharded(c, layout, shuffle, 2 + i % 3).assertSame(ref, c + " on " + Arrays.toString(layout[0]) + " shuffle=" + shuffle);
        }
    }

    /**
     * Without clip_grad_norm_ the logged 2-norm is summed over 65536-value blocks of the whole
     * vector: a model of 108,003 parameters has two, so two slices.
     */
    @Test
    void aWideModelWithoutNormClippingShardsOnTheLoggedNormsBlocks() {
        Sequential wide = Sequential.parse("linear(8,9000), tanh, linear(9000,3)", "t");
        for (Map<String, Object> clip : List.of(Map.<String, Object>of(), Map.<String, Object>of("clip_value", 0.01))) {
            Case c = Case.of("Adam", Map.of("lr", 0.001), clip);
            Run ref = trainWide(c, wide, null);
            Run sharded = trainWide(c, wide, 4);
            sharded.assertSame(ref, "108,003 parameters, clip " + clip);
        }
    }

    static Run trainWide(Case c, Sequential model, Integer shards) {
        JavaRDD<PackedBlock> train = Blocks.fromArrays(jsc(), Arrays.copyOf(ROWS[0], N * D), Arrays.copyOf(ROWS[1], N), D, 1,
                scaled(LAYOUTS[1][0]));
        JavaRDD<PackedBlock> val = Blocks.fromArrays(jsc(), Arrays.copyOfRange(ROWS[0], N * D, (N + VAL) * D),
                Arrays.copyOfRange(ROWS[1], N, N + VAL), D, 1, scaled(LAYOUTS[1][1]));
        try {
            double[] p = model.initParams(4);
            Optimizer opt = c.newOptimizer(model);
            GradientClipper clipper = c.clipper(model);
            Trainer t = new Trainer(opt, null, clipper, new TrainSettings(2, BATCH, true, 17, null));
            SparkBackend spark = new SparkBackend(jsc(), train, val, model, loss(), BATCH);
            List<EpochStats> h;
            try (StepBackend b = shards == null ? spark : new ShardedStep(spark, p, opt, new SliceNorm(clipper, p.length), shards)) {
                if (b instanceof ShardedStep s) assertEquals(3, s.bounds().length, "two blocks of the logged norm, two slices");
                h = t.fit(p, b);
            }
            return new Run(bits(p), bits(h.stream().mapToDouble(EpochStats::valLoss).toArray()),
                    bits(h.stream().mapToDouble(EpochStats::gradNorm).toArray()), opt.state());
        } finally {
            train.unpersist(false);
            val.unpersist(false);
        }
    }

    @Test
    void theBitsAreRealAndTheShardCountChangesNothing() {
        Case c = CASES.get(3);
        Run ref = local(c, true);
        for (int shards : new int[] {1, 4}) sharded(c, LAYOUTS[3], true, shards).assertSame(ref, shards + " shards");
        assertFalse(Arrays.equals(ref.params(), local(CASES.get(4), true).params()), "another optimizer, other bits");
        assertTrue(ref.optimizerState().containsKey("state"));
    }
}
