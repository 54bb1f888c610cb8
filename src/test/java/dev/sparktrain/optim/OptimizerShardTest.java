package dev.sparktrain.optim;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sharded step is the unsharded step: for every optimizer and option set, shards at any bounds
 * (1-element shards, empty shards, shards holding no element of a group) give the same parameter
 * bits, their merged state is the full optimizer's state, and a merged state re-cut at other
 * bounds (or a shard sent through Java serialization, as Spark does) continues with the same bits.
 */
class OptimizerShardTest {
    private static final int D = 40;
    private static final int STEPS = 7;

    /** Three groups with non-contiguous ranges in an order that is not the vector's, and their own lrs. */
    private static List<GroupSpec> groups() {
        return List.of(
                new GroupSpec(new int[] {15, 0, 30}, new int[] {8, 8, 5}, Options.empty("group 0")),
                new GroupSpec(new int[] {8, 35}, new int[] {7, 5}, new Options("group 1", Map.of("lr", 0.003))),
                new GroupSpec(new int[] {23}, new int[] {7}, new Options("group 2", Map.of("lr", 0.02))));
    }

    /** Option sets, each applied with the keys the optimizer has. */
    private static final List<Map<String, Object>> OPTION_SETS = List.of(
            Map.of("lr", 0.01),
            Map.of("lr", 0.01, "weight_decay", 0.1, "maximize", true, "amsgrad", true, "momentum", 0.9, "nesterov", true,
                    "centered", true, "lr_decay", 0.01, "momentum_decay", 0.01, "initial_accumulator_value", 0.1),
            Map.of("lr", 0.05, "momentum", 0.8, "dampening", 0.3, "weight_decay", 0.01, "rho", 0.5, "alpha", 0.9,
                    "betas", List.of(0.8, 0.99)));

    private static Optimizer create(String name, Map<String, Object> options) {
        Map<String, Object> own = new LinkedHashMap<>();
        Map<String, Object> known = Optimizers.defaults(name);
        options.forEach((k, v) -> {
            if (known.containsKey(k)) own.put(k, v);
        });
        return Optimizers.create(name, new Options("test", own), groups());
    }

    /** What a scheduler does between steps: lr, momentum and betas[0] move. */
    private static void schedule(Optimizer opt, int step) {
        for (ParamGroup g : opt.paramGroups()) {
            g.setLr(g.lr() * (step % 2 == 0 ? 0.7 : 1.2));
            if (g.has("momentum") && g.getDouble("momentum") > 0) g.set("momentum", 0.85 + 0.01 * step);
            if (g.has("betas")) {
                double[] b = g.getPair("betas");
                g.set("betas", new double[] {b[0] - 0.01, b[1]});
            }
            g.set("initial_lr", 0.01);   // schedulers add keys of their own
        }
    }

    /** Random bounds 0 = b0 <= ... <= bk = D, with 1-element and empty shards. */
    private static int[] randomBounds(Random r) {
        TreeSet<Integer> cuts = new TreeSet<>(List.of(0, D));
        int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(D + 1);
            cuts.add(c);
            if (r.nextInt(3) == 0) cuts.add(Math.min(D, c + 1));   // a 1-element shard
        }
        List<Integer> b = new ArrayList<>(cuts);
        if (r.nextBoolean()) {
            int i = 1 + r.nextInt(b.size() - 1);
            b.add(i, b.get(i));   // an empty shard
        }
        return b.stream().mapToInt(Integer::intValue).toArray();
    }

    private static List<OptimizerShard> shards(Optimizer opt, Map<String, Object> fullState, int[] bounds) {
        List<OptimizerShard> out = new ArrayList<>();
        for (int k = 0; k + 1 < bounds.length; k++) out.add(OptimizerShard.of(opt, fullState, bounds[k], bounds[k + 1]));
        return out;
    }

    private static void stepShards(List<OptimizerShard> shards, Optimizer driver, double[] p, double[] g) {
        for (OptimizerShard s : shards) {
            s.setHypers(OptimizerShard.hypers(driver));
            double[] ps = Arrays.copyOfRange(p, s.from(), s.to());
            s.step(ps, Arrays.copyOfRange(g, s.from(), s.to()));
            System.arraycopy(ps, 0, p, s.from(), ps.length);
        }
    }

    private static Map<String, Object> merged(Optimizer opt, List<OptimizerShard> shards) {
        int[] bounds = new int[shards.size() + 1];
        for (int k = 0; k < shards.size(); k++) bounds[k + 1] = shards.get(k).to();
        return OptimizerShard.mergedState(opt, bounds, shards.stream().map(OptimizerShard::state).toList());
    }

    @Test
    void shardedStepsAreTheUnshardedStepsBitForBit() throws Exception {
        assertEquals(9, Optimizers.names().size(), "a new optimizer belongs in this test");
        Random r = new Random(14);
        for (String name : Optimizers.names()) {
            for (int set = 0; set < OPTION_SETS.size(); set++) {
                String what = name + " option set " + set;
                Optimizer full = create(name, OPTION_SETS.get(set));
                Optimizer driver = create(name, OPTION_SETS.get(set));   // holds hyper-parameters only, as a sharded driver
                double[] p = r.doubles(D, -1, 1).toArray();
                double[] q = p.clone();
                List<OptimizerShard> shards = shards(driver, driver.state(), randomBounds(r));
                for (int step = 0; step < STEPS; step++) {
                    double[] g = r.doubles(D, -2, 2).toArray();
                    g[r.nextInt(D)] = 0;
                    full.step(p, g);
                    stepShards(shards, driver, q, g);
                    assertBitsEqual(p, q, what + " step " + step);
                    assertStateEquals(full.state(), merged(full, shards), what + " step " + step);
                    if (step == 2) {
                        // resume on another executor count: the merged state cut at other bounds
                        shards = shards(driver, merged(driver, shards), randomBounds(r));
                    } else if (step == 4) {
                        List<OptimizerShard> sent = new ArrayList<>();
                        for (OptimizerShard s : shards) sent.add(throughSerialization(s));
                        shards = sent;
                    }
                    schedule(full, step);
                    schedule(driver, step);
                }
            }
        }
    }

    @Test
    void aShardOfASteppedOptimizerCarriesOnFromItsState() {
        for (String name : Optimizers.names()) {
            Optimizer full = create(name, OPTION_SETS.get(1));
            Random r = new Random(name.hashCode());
            double[] p = r.doubles(D, -1, 1).toArray();
            for (int s = 0; s < 3; s++) full.step(p, r.doubles(D, -1, 1).toArray());
            double[] q = p.clone();
            List<OptimizerShard> shards = new ArrayList<>();
            for (int[] b : new int[][] {{0, 11}, {11, 12}, {12, 40}}) shards.add(OptimizerShard.of(full, b[0], b[1]));
            // [11, 12) holds one element of group 1 and none of groups 0 and 2, whose counters still ran
            List<?> one = (List<?>) shards.get(1).state().get("state");
            for (int i = 0; i < 3; i++) {
                Map<?, ?> st = (Map<?, ?>) one.get(i);
                assertEquals(3L, st.get("step"), name);
                for (Object v : st.values()) if (v instanceof double[] b) assertEquals(i == 1 ? 1 : 0, b.length, name);
            }
            double[] g = r.doubles(D, -1, 1).toArray();
            stepShards(shards, full, q, g);
            full.step(p, g);
            assertBitsEqual(p, q, name);
            assertStateEquals(full.state(), merged(full, shards), name);
        }
    }

    /** A copy steps as the original would, and stepping it leaves the original as it was (cached shards never change). */
    @Test
    void aCopyIsIndependentAndStepsTheSame() {
        for (String name : Optimizers.names()) {
            Optimizer full = create(name, OPTION_SETS.get(0));
            Random r = new Random(name.hashCode() + 1);
            double[] p = r.doubles(D, -1, 1).toArray();
            full.step(p, r.doubles(D, -1, 1).toArray());
            OptimizerShard original = OptimizerShard.of(full, 5, 30);
            Map<String, Object> before = original.state();
            OptimizerShard copy = original.copy();
            double[] a = java.util.Arrays.copyOfRange(p, 5, 30);
            double[] b = a.clone();
            double[] g = r.doubles(25, -1, 1).toArray();
            copy.step(a, g);
            assertStateEquals(before, original.state(), name + ": the original after its copy stepped");
            original.step(b, g);
            assertBitsEqual(b, a, name);
            assertStateEquals(original.state(), copy.state(), name);
        }
    }

    @Test
    void shardStateHoldsExactlyTheSlicesElementsInStateOrder() {
        Optimizer full = create("Adam", Map.of("lr", 0.01));
        double[] p = new double[D];
        double[] g = new double[D];
        for (int i = 0; i < D; i++) g[i] = i + 1;       // exp_avg = 0.1·g: its values name their elements
        full.step(p, g);
        OptimizerShard s = OptimizerShard.of(full, 14, 24);
        List<?> states = (List<?>) s.state().get("state");
        // group 0 = [15, 23) then [0, 8) then [30, 35): its elements 15..22 in the slice; group 1 = [8, 15) …: 14;
        // group 2 = [23, 30): 23
        assertArrayEquals(new double[] {16, 17, 18, 19, 20, 21, 22, 23}, scaledExpAvg(states.get(0)));
        assertArrayEquals(new double[] {15}, scaledExpAvg(states.get(1)));
        assertArrayEquals(new double[] {24}, scaledExpAvg(states.get(2)));
        assertEquals(1L, ((Map<?, ?>) states.get(2)).get("step"));
    }

    private static double[] scaledExpAvg(Object groupState) {
        double[] m = (double[]) ((Map<?, ?>) groupState).get("exp_avg");
        return Arrays.stream(m).map(v -> Math.round(v * 10)).toArray();
    }

    @Test
    void refusals() {
        Optimizer opt = create("SGD", Map.of("lr", 0.1, "momentum", 0.9));
        opt.step(new double[D], new double[D]);
        OptimizerShard s = OptimizerShard.of(opt, 0, 10);
        assertThrows(IllegalArgumentException.class, () -> s.step(new double[9], new double[9]));
        assertThrows(IllegalArgumentException.class, () -> OptimizerShard.of(opt, 5, 4));
        Map<String, Object> wrong = new LinkedHashMap<>(opt.state());
        wrong.put("optimizer", "Adam");
        assertThrows(SparkTrainException.class, () -> OptimizerShard.of(opt, wrong, 0, 10));
        Map<String, Object> other = create("SGD", Map.of("lr", 0.1)).state();   // no momentum buffer: fine
        assertEquals(10, OptimizerShard.of(opt, other, 0, 10).to());
        Map<String, Object> tooShort = opt.state();
        @SuppressWarnings("unchecked")
        Map<String, Object> g0 = (Map<String, Object>) ((List<Object>) tooShort.get("state")).get(0);
        g0.put("momentum_buffer", new double[3]);
        assertTrue(assertThrows(SparkTrainException.class, () -> OptimizerShard.of(opt, tooShort, 0, 10))
                .getMessage().contains("'momentum_buffer' has 3 values, expected 21"));
        List<Map<String, Object>> states = List.of(OptimizerShard.of(opt, 0, 10).state());
        assertThrows(IllegalArgumentException.class, () -> OptimizerShard.mergedState(opt, new int[] {0, 10}, states));
    }

    private static OptimizerShard throughSerialization(OptimizerShard s) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return assertInstanceOf(OptimizerShard.class, in.readObject());
        }
    }

    private static void assertBitsEqual(double[] expected, double[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(actual[i]),
                    what + ": element " + i + " " + expected[i] + " vs " + actual[i]);
        }
    }

    /** Deep equality of state dicts: same keys in the same order, numbers equal, arrays bit for bit. */
    private static void assertStateEquals(Object expected, Object actual, String what) {
        if (expected instanceof Map<?, ?> a) {
            Map<?, ?> b = assertInstanceOf(Map.class, actual, what);
            assertEquals(new ArrayList<>(a.keySet()), new ArrayList<>(b.keySet()), what);
            for (Object k : a.keySet()) assertStateEquals(a.get(k), b.get(k), what + " " + k);
        } else if (expected instanceof List<?> a) {
            List<?> b = assertInstanceOf(List.class, actual, what);
            assertEquals(a.size(), b.size(), what);
            for (int i = 0; i < a.size(); i++) assertStateEquals(a.get(i), b.get(i), what + "[" + i + "]");
        } else if (expected instanceof double[] a) {
            assertBitsEqual(a, assertInstanceOf(double[].class, actual, what), what);
        } else {
            assertEquals(expected, actual, what);
            assertNotEquals(null, expected, what);
        }
    }
}
