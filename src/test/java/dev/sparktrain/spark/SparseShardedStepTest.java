package dev.sparktrain.spark;

import dev.sparktrain.data.CsrBlock;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Precision;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.spark.ShardedStepTest.Case;
import dev.sparktrain.spark.ShardedStepTest.Run;
import dev.sparktrain.spark.load.Blocks;
import dev.sparktrain.train.LocalBackend;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static dev.sparktrain.spark.SameBitsBackendTest.jsc;
import static dev.sparktrain.spark.ShardedStepTest.loss;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, sparse gradients: with CSR input and a linear first layer of 50,000 inputs, the
 * sharded step sends each partition only the first-layer weights at the columns its rows touch
 * (and the small rest), and each owner only the gradient there, merged by a sparse tree in the
 * same order: the driver-side step's bits (weights, validation losses, gradient norms, optimizer
 * state), with counted traffic that follows the touched columns, not d.
 */
class SparseShardedStepTest {
    static final int F = 50_000;
    static final int N = 6000;
    static final int VAL = 1200;
    static final int BATCH = 2560; // row groups of 1200 rows, so partitions hold different groups
    static final Sequential MODEL = Sequential.parse("linear(50000,3), tanh, linear(3,3)", "t");
    /** Parameters after the first layer's weight matrix: its bias, the second layer's weight and bias. */
    static final int DENSE_PART = 3 + 9 + 3;
    static final int[][][] LAYOUTS = { // {training sizes, validation sizes}
        {{0, 1500, 0, 2000, 2500, 0}, {600, 0, 600}},
        {{6000}, {1200}},
        {{1000, 0, 0, 4990, 10}, {0, 1200}},
    };

    /**
     * Row g (data-set order, training rows first) as CSR: 3–6 columns in a 500-column window
     * that moves with g, so blocks touch different columns; values include -0.0 and 0.0.
     */
    static PackedBlock csr(int first, long firstRow, int rows) {
        int[] ptr = new int[rows + 1];
        List<Integer> idx = new ArrayList<>();
        List<Double> val = new ArrayList<>();
        double[] y = new double[rows];
        for (int r = 0; r < rows; r++) {
            int g = first + r;
            Random rnd = new Random(1000L + g);
            TreeSet<Integer> cols = new TreeSet<>();
            int k = 3 + rnd.nextInt(4);
            while (cols.size() < k) cols.add((g / 500) * 3300 + rnd.nextInt(500));
            for (int c : cols) {
                idx.add(c);
                int kind = rnd.nextInt(20);
                val.add(kind == 0 ? -0.0 : kind == 1 ? 0.0 : rnd.nextGaussian());
            }
            ptr[r + 1] = idx.size();
            y[r] = rnd.nextInt(3);
        }
        return PackedBlock.csr(firstRow, rows, F, 1, ptr, idx.stream().mapToInt(Integer::intValue).toArray(),
                val.stream().mapToDouble(Double::doubleValue).toArray(), y);
    }

    static List<PackedBlock> blocks(int first, int[] sizes) {
        List<PackedBlock> out = new ArrayList<>();
        int lo = 0;
        for (int size : sizes) {
            out.add(csr(first + lo, lo, size));
            lo += size;
        }
        return out;
    }

    static Run local(Case c, Sequential model, boolean shuffle) {
        PackedBlock[] train = {csr(0, 0, N)};
        PackedBlock[] val = {csr(N, 0, VAL)};
        return ShardedStepTest.train(c, model, 2, BATCH, shuffle, (p, opt) -> new LocalBackend(model, loss(), train, val, BATCH));
    }

    /** @param made receives the sharded step and the training blocks as the backend holds them (re-cut to row groups) */
    static Run sharded(Case c, Sequential model, int[][] layout, boolean shuffle, int shards, ShardedStep[] made,
                       List<List<PackedBlock>> trainedOn) {
        JavaRDD<PackedBlock> train = Blocks.fromBlocks(jsc(), blocks(0, layout[0]));
        JavaRDD<PackedBlock> val = Blocks.fromBlocks(jsc(), blocks(N, layout[1]));
        try {
            return ShardedStepTest.train(c, model, 2, BATCH, shuffle, (p, opt) -> {
                SparkBackend base = new SparkBackend(jsc(), train, val, model, loss(), BATCH);
                trainedOn.addAll(base.trainBlocks().glom().collect());
                ShardedStep s = new ShardedStep(base, p, opt, new SliceNorm(c.clipper(model), model.paramCount()), shards);
                assertTrue(s.sparse(), "CSR blocks and a linear first layer");
                made[0] = s;
                return s;
            });
        } finally {
            train.unpersist(false);
            val.unpersist(false);
        }
    }

    static final List<Case> CASES = List.of(
            Case.of("SGD", Map.of("lr", 0.1), Map.of()),
            Case.of("SGD", Map.of("lr", 0.05, "momentum", 0.9), Map.of("max_norm", 0.5)),
            Case.of("Adam", Map.of("lr", 0.01), Map.of("max_norm", 1.0)));

    @Test
    void sparseTravelTrainsToTheDriverSideStepsBits() {
        int i = 0;
        for (Case c : CASES) {
            for (boolean shuffle : new boolean[] {true, false}) {
                int[][] layout = LAYOUTS[i % LAYOUTS.length];
                int shards = 2 + i % 3;
                Run ref = local(c, MODEL, shuffle);
                sharded(c, MODEL, layout, shuffle, shards, new ShardedStep[1], new ArrayList<>())
                        .assertSame(ref, c + " on " + Arrays.toString(layout[0]) + " shuffle=" + shuffle + " shards=" + shards);
                i++;
            }
        }
    }

    /** A float32 model reads the float64 weights at the touched columns only too, and a one-layer model has only a bias after them. */
    @Test
    void float32AndOneLayerModelsTrainToTheSameBits() {
        Case adam = CASES.get(2);
        Sequential f32 = MODEL.withPrecision(Precision.FLOAT32);
        sharded(adam, f32, LAYOUTS[0], true, 3, new ShardedStep[1], new ArrayList<>()).assertSame(local(adam, f32, true), "float32");
        Sequential logistic = Sequential.parse("linear(50000,3)", "t");
        sharded(adam, logistic, LAYOUTS[2], false, 2, new ShardedStep[1], new ArrayList<>())
                .assertSame(local(adam, logistic, false), "linear(50000,3)");
    }

    /**
     * What travels per step follows the touched columns: shuffled, every partition holding rows
     * gets, each step, exactly its needed values (3 weights per touched column plus the 15 other
     * parameters), and sends each owner its partial tree's vectors at those indices plus 4 statistics.
     */
    @Test
    void valuesSentFollowTheTouchedColumnsNotTheParameterCount() {
        int[][] layout = LAYOUTS[0];
        ShardedStep[] made = new ShardedStep[1];
        List<List<PackedBlock>> trainedOn = new ArrayList<>();
        sharded(CASES.get(0), MODEL, layout, true, 3, made, trainedOn);
        long[] sent = made[0].valuesSent();
        long needed = 0;
        int holding = 0;
        for (List<PackedBlock> partition : trainedOn) {
            if (partition.stream().mapToInt(PackedBlock::rows).sum() == 0) continue;
            holding++;
            long touched = partition.stream().flatMapToInt(b -> Arrays.stream(((CsrBlock) b).indices())).distinct().count();
            needed += 3 * touched + DENSE_PART;
        }
        int steps = 2 * ((N + BATCH - 1) / BATCH);
        int d = MODEL.paramCount();
        assertEquals(steps * needed, sent[0], "gathered values: each holding partition's needed values, each step");
        System.out.printf("sparse sharded step: per step %d values gathered, %d scattered; dense would gather %d%n",
                sent[0] / steps, sent[1] / steps, (long) holding * d);
        assertTrue(sent[1] <= 2L * steps * (needed + holding * 3L * 4), "scattered " + sent[1]);
        assertTrue(holding >= 4, holding + " partitions hold rows");
        assertTrue(sent[0] * 20 < (long) steps * holding * d, "under 5% of the dense gather");
    }

    /**
     * A first layer of 5,000,000 inputs (10 million parameters) on 400 rows of 3 non-zeros: each
     * partition computes in its compact space (a few hundred parameters: {@link CompactPartition}),
     * and training and validation keep the driver-side step's bits.
     */
    @Test
    void aFiveMillionInputLayerTrainsInTheCompactSpace() {
        int in = 5_000_000;
        Sequential model = Sequential.parse("linear(5000000,2)", "t");
        dev.sparktrain.nn.Loss loss = dev.sparktrain.nn.Losses.create("CrossEntropyLoss",
                dev.sparktrain.config.Options.empty("loss"), 2);
        Case c = CASES.get(1);
        List<PackedBlock> train = wide(in, 0, new int[] {100, 0, 150, 50});
        List<PackedBlock> val = wide(in, 400, new int[] {30, 50});
        Run ref = ShardedStepTest.train(c, model, 1, 64, true, (p, opt) -> new LocalBackend(model, loss,
                train.toArray(new PackedBlock[0]), val.toArray(new PackedBlock[0]), 64));
        JavaRDD<PackedBlock> trainRdd = Blocks.fromBlocks(jsc(), train);
        JavaRDD<PackedBlock> valRdd = Blocks.fromBlocks(jsc(), val);
        try {
            Run run = ShardedStepTest.train(c, model, 1, 64, true, (p, opt) -> {
                SparkBackend base = new SparkBackend(jsc(), trainRdd, valRdd, model, loss, 64);
                ShardedStep s = new ShardedStep(base, p, opt, new SliceNorm(c.clipper(model), model.paramCount()), 3);
                assertTrue(s.sparse(), "CSR blocks and a linear first layer");
                SparseNeeds.Picks picks = SparseNeeds.of(base.trainBlocks(), model, s.bounds(), "test");
                for (CompactPartition cp : picks.perPartition().collect()) {
                    assertTrue(cp.cut()[cp.cut().length - 1] <= 2 * 3 * 300 + 2, "compact parameters " + Arrays.toString(cp.cut()));
                }
                picks.unpersist();
                return s;
            });
            run.assertSame(ref, "linear(5000000,2)");
        } finally {
            trainRdd.unpersist(false);
            valRdd.unpersist(false);
        }
    }

    /** Blocks of rows with 3 non-zeros each anywhere in {@code in} columns, two classes. */
    private static List<PackedBlock> wide(int in, long seed, int[] sizes) {
        List<PackedBlock> out = new ArrayList<>();
        Random rnd = new Random(seed);
        long lo = 0;
        for (int rows : sizes) {
            int[] ptr = new int[rows + 1];
            int[] idx = new int[3 * rows];
            double[] val = new double[3 * rows];
            double[] y = new double[rows];
            for (int r = 0; r < rows; r++) {
                TreeSet<Integer> cols = new TreeSet<>();
                while (cols.size() < 3) cols.add(rnd.nextInt(in));
                int k = 3 * r;
                for (int j : cols) {
                    idx[k] = j;
                    val[k++] = rnd.nextGaussian();
                }
                ptr[r + 1] = k;
                y[r] = rnd.nextInt(2);
            }
            out.add(PackedBlock.csr(lo, rows, in, 1, ptr, idx, val, y));
            lo += rows;
        }
        return out;
    }
}
