package dev.sparktrain.spark;

import dev.sparktrain.config.Options;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.RowGroups;
import dev.sparktrain.data.Synthetic;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.spark.load.Blocks;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.LocalBackend;
import dev.sparktrain.train.SparkTestContext;
import dev.sparktrain.train.StepBackend;
import dev.sparktrain.train.TaskThreads;
import dev.sparktrain.train.TrainSettings;
import dev.sparktrain.train.Trainer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13, backends: the final weights and every epoch's validation loss, to the bit, from the
 * in-memory {@link LocalBackend} and from {@link SparkBackend} on blocks of explicit uneven sizes
 * (empty partitions, one holding nearly all rows, more partitions than row groups: the backend
 * re-cuts them to whole groups), shuffled and in order, with any thread count and reduce mode.
 */
class SameBitsBackendTest {
    /** Rows scale the layouts below: enough for several 512-row groups (the row groups' minimum). */
    static final int SCALE = 20;
    static final int N = 300 * SCALE;
    static final int VAL = 60 * SCALE;
    static final int D = 8;
    static final int BATCH = 2560; // 5 row groups of 1200 rows; validation: 2 of 600
    static final Sequential MODEL = Sequential.parse("linear(8,16), tanh, linear(16,3)", "t");
    static final double[][] ROWS = new Synthetic(N + VAL, D, 3, 1.0, 21, 0.2).denseRows(0, N + VAL);
    /** Training partition sizes (x SCALE): 24 partitions for 5 row groups, zeros among them. */
    static final int[] UNEVEN_24 = {0, 25, 25, 0, 7, 18, 0, 0, 50, 1, 24, 0, 30, 20, 0, 10, 10, 0, 40, 0, 15, 0, 25, 0};
    static final int[][][] LAYOUTS = { // {training sizes, validation sizes}
        {{300}, {60}},
        {{0, 150, 0, 0, 149, 1}, {0, 7, 53}},
        {{1, 0, 298, 1, 0}, {60, 0}},
        {UNEVEN_24, {20, 0, 20, 0, 20, 0, 0, 0}},
    };

    /** Final weights and the validation loss of every epoch, as raw bits. */
    record Result(long[] params, long[] valLoss) {
        void assertSame(Result ref, String what) {
            assertArrayEquals(ref.params, params, what + ": weights");
            assertArrayEquals(ref.valLoss, valLoss, what + ": validation loss");
        }
    }

    static JavaSparkContext jsc() {
        return SparkTestContext.get(SparkTestContext.RETRIES); // as SameBitsJobTest: no restart between the two
    }

    static Result train(StepBackend backend, boolean shuffle) {
        return train(MODEL, backend, shuffle);
    }

    static Result train(Sequential model, StepBackend backend, boolean shuffle) {
        Loss loss = Losses.create("CrossEntropyLoss", Options.empty("loss"), 3);
        double[] p = model.initParams(4);
        Optimizer opt = Optimizers.create("Adam", new Options("optimizer", Map.of("lr", 0.01, "weight_decay", 0.001)),
                GroupSpec.all(p.length));
        List<EpochStats> h = new Trainer(opt, null, null, new TrainSettings(3, BATCH, shuffle, 17, null)).fit(p, backend);
        return new Result(bits(p), bits(h.stream().mapToDouble(EpochStats::valLoss).toArray()));
    }

    static long[] bits(double[] v) {
        return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    static Result local(boolean shuffle) {
        return local(MODEL, shuffle);
    }

    static Result local(Sequential model, boolean shuffle) {
        Loss loss = Losses.create("CrossEntropyLoss", Options.empty("loss"), 3);
        PackedBlock[] train = {PackedBlock.dense(0, N, D, 1, Arrays.copyOf(ROWS[0], N * D), Arrays.copyOf(ROWS[1], N))};
        PackedBlock[] val = {PackedBlock.dense(0, VAL, D, 1, Arrays.copyOfRange(ROWS[0], N * D, (N + VAL) * D),
                Arrays.copyOfRange(ROWS[1], N, N + VAL))};
        return train(model, new LocalBackend(model, loss, train, val, BATCH), shuffle);
    }

    static int[] scaled(int[] sizes) {
        return Arrays.stream(sizes).map(n -> n * SCALE).toArray();
    }

    static Result spark(int[][] layout, boolean shuffle) {
        return spark(MODEL, layout, shuffle);
    }

    static Result spark(Sequential model, int[][] layout, boolean shuffle) {
        Loss loss = Losses.create("CrossEntropyLoss", Options.empty("loss"), 3);
        JavaRDD<PackedBlock> train = Blocks.fromArrays(jsc(), Arrays.copyOf(ROWS[0], N * D), Arrays.copyOf(ROWS[1], N), D, 1,
                scaled(layout[0]));
        JavaRDD<PackedBlock> val = Blocks.fromArrays(jsc(), Arrays.copyOfRange(ROWS[0], N * D, (N + VAL) * D),
                Arrays.copyOfRange(ROWS[1], N, N + VAL), D, 1, scaled(layout[1]));
        try (SparkBackend b = new SparkBackend(jsc(), train, val, model, loss, BATCH)) {
            assertEquals(layout[0].length, train.getNumPartitions());
            return train(model, b, shuffle);
        } finally {
            train.unpersist(false);
            val.unpersist(false);
        }
    }

    @Test
    void sparkOnAnyPartitioningGivesTheLocalBackendsBits() {
        assertEquals(5, RowGroups.forTraining(N, BATCH).count(), "several row groups, fewer than partitions");
        for (boolean shuffle : new boolean[] {true, false}) {
            Result ref = local(shuffle);
            for (int[][] layout : LAYOUTS) {
                spark(layout, shuffle).assertSame(ref, Arrays.toString(layout[0]) + " shuffle=" + shuffle);
            }
        }
        assertFalse(Arrays.equals(local(true).params, local(false).params), "the row order matters: these are real bits");
    }

    @Test
    void anyThreadCountAndReduceMode() {
        Result ref = local(true);
        String threads = TaskThreads.CONF;
        String reduce = SparkBackend.REDUCE_CONF;
        for (Map<String, String> conf : List.of(Map.of(threads, "1", reduce, "driver"), Map.of(threads, "3", reduce, "driver"),
                Map.of(threads, "2", reduce, "executors"))) {
            for (int[][] layout : List.of(LAYOUTS[0], LAYOUTS[3])) {
                SparkTestContext.withConf(jsc(), conf, () -> spark(layout, true))
                        .assertSame(ref, conf + " " + layout[0].length + " partitions");
            }
        }
    }
}
