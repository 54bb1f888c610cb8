package dev.sparktrain.optim;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.optim.lr.Scheduler;
import dev.sparktrain.optim.lr.Schedulers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code loadState} takes what PyTorch's {@code load_state_dict} takes: hyper-parameter values a
 * constructor would refuse (a scheduler can drive lr below zero and PyTorch trains on) load and
 * round-trip; only keys, kinds and sizes are checked.
 */
class OptimizerLoadStateTest {
    private static final double[] GRAD = {0.5, -1.0, 2.0};

    private static Optimizer fresh(String name) {
        return Optimizers.create(name, new Options("test", Map.of("lr", 0.01)), GroupSpec.all(3));
    }

    /** A state after one step whose every hyper-parameter is out of the constructor's range. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> outOfRange(String name) {
        Optimizer o = fresh(name);
        o.step(new double[] {1, 2, 3}, GRAD);
        Map<String, Object> state = o.state();
        Map<String, Object> h = new LinkedHashMap<>((Map<String, Object>) ((List<Object>) state.get("param_groups")).get(0));
        for (Map.Entry<String, Object> e : h.entrySet()) {
            if (e.getKey().equals("lr")) e.setValue(-2.4e-4);
            else if (e.getValue() instanceof Double) e.setValue(-0.5);
            else if (e.getValue() instanceof double[]) e.setValue(new double[] {1.5, -0.2});
            else if (e.getValue() instanceof Boolean) e.setValue(true); // SGD: nesterov with negative momentum
        }
        state.put("param_groups", List.of(h));
        return state;
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyOptimizerLoadsHyperParametersItsConstructorRefuses() {
        assertEquals(9, Optimizers.names().size(), "a new optimizer belongs in this test");
        for (String name : Optimizers.names()) {
            Map<String, Object> saved = outOfRange(name);
            Map<String, Object> h = (Map<String, Object>) ((List<Object>) saved.get("param_groups")).get(0);
            SparkTrainException refused = assertThrows(SparkTrainException.class,
                    () -> Optimizers.create(name, new Options("test", h), GroupSpec.all(3)), name);
            assertTrue(refused.getMessage().contains("invalid value"), refused.getMessage());

            Optimizer o = fresh(name);
            o.loadState(saved);
            Map<String, Object> again = (Map<String, Object>) ((List<Object>) o.state().get("param_groups")).get(0);
            assertEquals(h.keySet(), again.keySet(), name);
            for (String k : h.keySet()) {
                if (h.get(k) instanceof double[] d) assertArrayEquals(d, (double[]) again.get(k), name + " " + k);
                else assertEquals(h.get(k), again.get(k), name + " " + k);
            }
            assertEquals(-2.4e-4, o.paramGroups().get(0).lr(), name);
            double[] p = {1, 2, 3};
            o.step(p, GRAD); // PyTorch steps on with such values too
            assertNotEquals(1.0, p[0], name + " did not step");
        }
    }

    private static Scheduler chainedCosines(Optimizer o) {
        return Schedulers.create("ChainedScheduler", o, new Options("scheduler", Map.of("schedulers", List.of(
                Map.of("scheduler", "CosineAnnealingLR", "options", Map.of("T_max", 3)),
                Map.of("scheduler", "CosineAnnealingLR", "options", Map.of("T_max", 7, "eta_min", 0.001))))));
    }

    /** The case: two chained CosineAnnealingLR, one with eta_min, carry the recursive form below zero. */
    @Test
    void negativeLrFromASchedulerSurvivesStateRoundTrip() {
        Optimizer o = fresh("Adam");
        Scheduler chained = chainedCosines(o);
        for (int i = 0; i < 40 && o.paramGroups().get(0).lr() >= 0; i++) {
            o.step(new double[3], GRAD);
            chained.step();
        }
        assertTrue(o.paramGroups().get(0).lr() < 0, "lr " + o.paramGroups().get(0).lr());
        Optimizer resumed = fresh("Adam");
        chainedCosines(resumed).loadState(chained.state()); // as a resume does: scheduler made, then both states loaded
        resumed.loadState(o.state());
        assertEquals(o.paramGroups().get(0).lr(), resumed.paramGroups().get(0).lr());
        double[] a = {1, 2, 3};
        double[] b = {1, 2, 3};
        o.step(a, GRAD);
        resumed.step(b, GRAD);
        assertArrayEquals(a, b);
    }

    @Test
    @SuppressWarnings("unchecked")
    void keysKindsAndSizesAreStillChecked() {
        for (String name : Optimizers.names()) {
            List<String> messages = new ArrayList<>();
            for (int kind = 0; kind < 4; kind++) {
                Map<String, Object> s = fresh(name).state();
                Map<String, Object> h = new LinkedHashMap<>((Map<String, Object>) ((List<Object>) s.get("param_groups")).get(0));
                switch (kind) {
                    case 0 -> h.put("lr", "fast");
                    case 1 -> h.remove("lr");
                    case 2 -> h.put("extra", 1.0);
                    default -> h.replaceAll((k, v) -> v instanceof Boolean ? 0.0 : v);
                }
                if (kind == 3 && h.equals(((List<Object>) s.get("param_groups")).get(0))) continue; // no flag
                s.put("param_groups", List.of(h));
                messages.add(assertThrows(SparkTrainException.class, () -> fresh(name).loadState(s), name + " " + kind).getMessage());
            }
            assertTrue(messages.get(0).contains("hyper-parameter 'lr' is fast, expected a Double"), messages.get(0));
            assertTrue(messages.get(1).contains("hyper-parameters ["), messages.get(1));
            assertTrue(messages.get(2).contains("extra"), messages.get(2));

            Optimizer stepped = fresh(name);
            stepped.step(new double[3], GRAD);
            Map<String, Object> s = stepped.state();
            Map<String, Object> st = new LinkedHashMap<>((Map<String, Object>) ((List<Object>) s.get("state")).get(0));
            if (!st.values().stream().anyMatch(v -> v instanceof double[])) continue; // SGD without momentum: no buffers
            st.replaceAll((k, v) -> v instanceof double[] ? new double[4] : v);
            s.put("state", List.of(st));
            String m = assertThrows(SparkTrainException.class, () -> fresh(name).loadState(s), name).getMessage();
            assertTrue(m.contains("has 4 values, expected 3"), m);
        }
        Map<String, Object> adam = fresh("Adam").state();
        Map<String, Object> h = new LinkedHashMap<>((Map<String, Object>) ((List<Object>) adam.get("param_groups")).get(0));
        h.put("betas", new double[] {0.9, 0.99, 0.5});
        adam.put("param_groups", List.of(h));
        String m = assertThrows(SparkTrainException.class, () -> fresh("Adam").loadState(adam)).getMessage();
        assertTrue(m.contains("'betas' is [0.9, 0.99, 0.5], expected 2 numbers"), m);
    }
}
