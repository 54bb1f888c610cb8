package dev.sparktrain.optim;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every value PyTorch 1.13's constructors refuse is refused, naming the key, the value and the rule. */
class OptimizerValidationTest {
    private static final List<String> ALL = List.of("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam");
    private static final List<String> ADAM_LIKE = List.of("Adam", "AdamW", "Adamax", "NAdam", "RAdam");

    static Optimizer create(String name, Map<String, Object> opts) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(opts);
        if (name.equals("SGD")) m.putIfAbsent("lr", 0.1); // SGD's lr is required in 1.13
        return Optimizers.create(name, new Options("test", m), GroupSpec.all(4));
    }

    static Stream<Arguments> refused() {
        List<Arguments> a = new ArrayList<>();
        for (String n : ALL) {
            a.add(Arguments.of(n, "lr", -0.1, "-0.1", "must be >= 0"));
            a.add(Arguments.of(n, "weight_decay", -0.01, "-0.01", "must be >= 0"));
            if (!n.equals("SGD")) a.add(Arguments.of(n, "eps", -1e-8, "-1.0E-8", "must be >= 0"));
        }
        for (String n : ADAM_LIKE) {
            a.add(Arguments.of(n, "betas", List.of(1.0, 0.999), "[1.0, 0.999]", "betas[0] must be in [0, 1)"));
            a.add(Arguments.of(n, "betas", List.of(-0.1, 0.999), "[-0.1, 0.999]", "betas[0] must be in [0, 1)"));
            a.add(Arguments.of(n, "betas", List.of(0.9, 1.0), "[0.9, 1.0]", "betas[1] must be in [0, 1)"));
            a.add(Arguments.of(n, "betas", List.of(0.9, -0.5), "[0.9, -0.5]", "betas[1] must be in [0, 1)"));
        }
        a.add(Arguments.of("Adadelta", "rho", 1.1, "1.1", "must be in [0, 1]"));
        a.add(Arguments.of("Adadelta", "rho", -0.1, "-0.1", "must be in [0, 1]"));
        a.add(Arguments.of("SGD", "momentum", -0.5, "-0.5", "must be >= 0"));
        a.add(Arguments.of("RMSprop", "momentum", -0.5, "-0.5", "must be >= 0"));
        a.add(Arguments.of("RMSprop", "alpha", -0.1, "-0.1", "must be >= 0"));
        a.add(Arguments.of("Adagrad", "lr_decay", -0.1, "-0.1", "must be >= 0"));
        a.add(Arguments.of("Adagrad", "initial_accumulator_value", -0.1, "-0.1", "must be >= 0"));
        a.add(Arguments.of("NAdam", "momentum_decay", -0.1, "-0.1", "must be >= 0"));
        a.add(Arguments.of("Adam", "lr", Double.NaN, "NaN", "must be >= 0"));
        return a.stream();
    }

    @ParameterizedTest(name = "{0} {1}={2}")
    @MethodSource("refused")
    void refusesOutOfRange(String name, String key, Object value, String shown, String rule) {
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> create(name, Map.of(key, value)));
        assertEquals(name + " param group 0: '" + key + "': invalid value " + shown + ": " + rule, e.getMessage());
    }

    @Test
    void acceptsPyTorchBoundaries() {
        for (String n : ALL) assertDoesNotThrow(() -> create(n, Map.of("lr", 0.0, "weight_decay", 0.0)), n);
        for (String n : ADAM_LIKE) assertDoesNotThrow(() -> create(n, Map.of("betas", List.of(0.0, 0.0), "eps", 0.0)), n);
        assertDoesNotThrow(() -> create("Adadelta", Map.of("rho", 1.0)));
        assertDoesNotThrow(() -> create("Adadelta", Map.of("rho", 0.0)));
        assertDoesNotThrow(() -> create("RMSprop", Map.of("alpha", 1.5))); // 1.13 checks alpha >= 0 only
        assertDoesNotThrow(() -> create("SGD", Map.of("dampening", 0.5, "momentum", 0.9)));
        assertDoesNotThrow(() -> create("Adam", Map.of("foreach", true, "capturable", false))); // switches
    }

    @Test
    void nesterovNeedsMomentumAndNoDampening() {
        SparkTrainException e = assertThrows(SparkTrainException.class,
                () -> create("SGD", Map.of("nesterov", true, "momentum", 0.9, "dampening", 0.1)));
        assertTrue(e.getMessage().contains("'nesterov': invalid value true: Nesterov momentum requires a momentum and zero dampening"),
                e.getMessage());
        assertThrows(SparkTrainException.class, () -> create("SGD", Map.of("nesterov", true)));
        assertDoesNotThrow(() -> create("SGD", Map.of("nesterov", true, "momentum", 0.9)));
    }

    @Test
    void sgdRequiresLr() {
        SparkTrainException e = assertThrows(SparkTrainException.class,
                () -> Optimizers.create("SGD", Options.empty("test"), GroupSpec.all(4)));
        assertTrue(e.getMessage().contains("'lr'"), e.getMessage());
    }

    @Test
    void unknownOptionListsAllowedOnes() {
        // NAdam and RAdam have no maximize in PyTorch 1.13 (a TypeError there).
        for (String n : List.of("NAdam", "RAdam")) {
            SparkTrainException e = assertThrows(SparkTrainException.class, () -> create(n, Map.of("maximize", true)));
            assertTrue(e.getMessage().startsWith("test: 'maximize': unknown option; allowed: "), e.getMessage());
            assertTrue(e.getMessage().contains("betas, capturable, differentiable, eps, foreach, fused, lr"), e.getMessage());
        }
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> create("Adagrad", Map.of("lr_decy", 0.1)));
        assertEquals("test: 'lr_decy': unknown option; allowed: capturable, differentiable, eps, foreach, fused, "
                + "initial_accumulator_value, lr, lr_decay, maximize, weight_decay; did you mean lr_decay?", e.getMessage());
        assertThrows(SparkTrainException.class, () -> create("SGD", Map.of("betas", List.of(0.9, 0.99))));
    }

    @Test
    void betasMustBeAPair() {
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> create("Adam", Map.of("betas", List.of(0.9))));
        assertTrue(e.getMessage().contains("'betas': expected 2 numbers, got 1"), e.getMessage());
    }

    @Test
    void groupOverridesAreValidatedToo() {
        List<GroupSpec> specs = List.of(
                new GroupSpec(new int[] {0}, new int[] {2}, Options.empty("g0")),
                new GroupSpec(new int[] {2}, new int[] {2}, new Options("g1", Map.of("lr", -1.0))));
        SparkTrainException e = assertThrows(SparkTrainException.class,
                () -> Optimizers.create("Adam", Options.empty("test"), specs));
        assertEquals("Adam param group 1: 'lr': invalid value -1.0: must be >= 0", e.getMessage());
        List<GroupSpec> typo = List.of(new GroupSpec(new int[] {0}, new int[] {4}, new Options("g0", Map.of("beta", 0.9))));
        assertThrows(SparkTrainException.class, () -> Optimizers.create("Adam", Options.empty("test"), typo));
    }

    @Test
    void registryHasEveryPyTorchName() {
        assertEquals(ALL, Optimizers.names());
        assertEquals("RMSprop", Optimizers.create("rmsprop", Options.empty("test"), GroupSpec.all(1)).name());
    }
}
