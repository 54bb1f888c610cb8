package dev.sparktrain.optim.lr;

import dev.sparktrain.golden.Golden;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.ParamGroup;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;

import static dev.sparktrain.optim.lr.TestSupport.lr;
import static dev.sparktrain.optim.lr.TestSupport.opts;
import static dev.sparktrain.optim.lr.TestSupport.sgd;
import static dev.sparktrain.optim.lr.TestSupport.sgdMomentum;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Intervals, the Java-only schedulers and paths the golden cases do not reach (expected values from PyTorch 1.13.1). */
class SchedulerBehaviourTest {
    private static final double TOL = 1e-15;

    @Test
    void naturalIntervals() {
        Map<String, Scheduler.Interval> expected = Map.ofEntries(
                Map.entry("StepLR", Scheduler.Interval.EPOCH), Map.entry("CyclicLR", Scheduler.Interval.STEP),
                Map.entry("OneCycleLR", Scheduler.Interval.STEP));
        assertEquals(Scheduler.Interval.EPOCH, Schedulers.create("StepLR", sgd(0.1), opts("step_size", 2)).naturalInterval());
        for (String name : List.of("MultiStepLR", "ExponentialLR", "ConstantLR", "LinearLR", "PolynomialLR",
                "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "ReduceLROnPlateau")) {
            Scheduler s = Schedulers.create(name, sgd(0.1), minimal(name));
            assertEquals(Scheduler.Interval.EPOCH, s.naturalInterval(), name);
        }
        assertEquals(expected.get("CyclicLR"), Schedulers.create("CyclicLR", sgdMomentum(0.1, 0.9),
                opts("base_lr", 0.01, "max_lr", 0.1)).naturalInterval());
        assertEquals(expected.get("OneCycleLR"), Schedulers.create("OneCycleLR", sgdMomentum(0.1, 0.9),
                opts("max_lr", 0.1, "total_steps", 10)).naturalInterval());
        Map<String, Object> exp = Map.of("scheduler", "ExponentialLR", "options", Map.of("gamma", 0.9));
        Map<String, Object> cyc = Map.of("scheduler", "CyclicLR",
                "options", Map.of("base_lr", 0.01, "max_lr", 0.1, "cycle_momentum", false));
        assertEquals(Scheduler.Interval.EPOCH, Schedulers.create("SequentialLR", sgd(0.1),
                opts("schedulers", List.of(exp, exp), "milestones", List.of(3))).naturalInterval());
        assertEquals(Scheduler.Interval.STEP, Schedulers.create("SequentialLR", sgd(0.1),
                opts("schedulers", List.of(exp, cyc), "milestones", List.of(3))).naturalInterval());
        assertEquals(Scheduler.Interval.EPOCH, Schedulers.create("ChainedScheduler", sgd(0.1),
                opts("schedulers", List.of(exp))).naturalInterval());
        assertEquals(Scheduler.Interval.STEP, Schedulers.create("ChainedScheduler", sgd(0.1),
                opts("schedulers", List.of(exp, cyc))).naturalInterval());
        assertEquals(Scheduler.Interval.EPOCH, new LambdaLR(sgd(0.1), e -> 1.0).naturalInterval());
    }

    private static dev.sparktrain.config.Options minimal(String name) {
        return switch (name) {
            case "MultiStepLR" -> opts("milestones", List.of(2));
            case "ExponentialLR" -> opts("gamma", 0.9);
            case "CosineAnnealingLR" -> opts("T_max", 5);
            case "CosineAnnealingWarmRestarts" -> opts("T_0", 5);
            default -> opts();
        };
    }

    private static void steps(Scheduler s, Optimizer o, double... expected) {
        assertEquals(expected[0], lr(o), TOL);
        for (int i = 1; i < expected.length; i++) {
            s.step();
            assertEquals(expected[i], lr(o), TOL, "after step " + i);
        }
    }

    @Test
    void lambdaLrIsBaseTimesFunction() {
        Optimizer o = sgd(0.1);
        steps(new LambdaLR(o, e -> 1.0 / (1 + e)), o, 0.1, 0.05, 0.03333333333333333, 0.025, 0.020000000000000004);
    }

    @Test
    void multiplicativeLrMultipliesFromEpochOne() {
        Optimizer o = sgd(0.1);
        IntToDoubleFunction f = e -> e % 2 == 0 ? 0.5 : 0.9;
        steps(new MultiplicativeLR(o, f), o, 0.1, 0.09000000000000001, 0.045000000000000005, 0.04050000000000001,
                0.020250000000000004);
    }

    @Test
    void sequentialOfJavaSchedulers() {
        Optimizer o = sgd(0.1);
        LambdaLR a = new LambdaLR(o, e -> 1.0 / (1 + e));
        ExponentialLR b = new ExponentialLR(o, new ExponentialLR.Settings(0.5));
        steps(new SequentialLR(o, List.of(a, b), new int[] {2}), o, 0.1, 0.05, 0.1, 0.05, 0.025);
    }

    @Test
    void warmRestartsWithExplicitFractionalEpochs() {
        Optimizer o = sgd(0.1);
        CosineAnnealingWarmRestarts s = (CosineAnnealingWarmRestarts) Schedulers.create("CosineAnnealingWarmRestarts", o,
                opts("T_0", 3, "T_mult", 2, "eta_min", 0.01));
        double[] epochs = {0.5, 2.25, 4.0, 10.5, 20.0};
        double[] expected = {0.09397114317029975, 0.023180194846605363, 0.09397114317029975, 0.0965745789630079,
            0.011533337816991932};
        for (int i = 0; i < epochs.length; i++) {
            s.stepTo(epochs[i]);
            assertEquals(expected[i], lr(o), TOL, "epoch " + epochs[i]);
        }
        s.step();
        assertEquals(0.1, lr(o), TOL);
    }

    /** OneCycleLR cycling betas[0] of Adam: the golden Adam case, checking beta2 is left alone. */
    @Test
    void oneCycleCyclesBeta1() {
        Map<String, Object> c = Golden.read("onecyclelr_cos_three_phase_adam");
        Map<String, Object> optOptions = Golden.map(Golden.map(c.get("optimizer")).get("options"));
        Optimizer o = TestSupport.adam("lr", optOptions.get("lr"), "betas", optOptions.get("betas"));
        Scheduler s = Schedulers.create("OneCycleLR", o, Golden.options(c.get("options"), "adam case"));
        double[] lr = Golden.doubles(c.get("lr"));
        double[] beta1 = Golden.doubles(c.get("momentum"));
        int steps = ((Number) c.get("steps")).intValue();
        for (int i = 0; i <= steps; i++) {
            if (i > 0) s.step();
            ParamGroup g = o.paramGroups().get(0);
            Golden.assertClose(lr[i], g.lr(), 1e-9, 1e-15, "lr[" + i + "]");
            Golden.assertClose(beta1[i], g.getPair("betas")[0], 1e-9, 1e-15, "betas[0][" + i + "]");
            assertEquals(0.999, g.getPair("betas")[1], 0.0, "beta2 untouched");
        }
    }

    @Test
    void cyclicLrInitialStepUsesInitialLrWhenNotFirst() {
        // PyTorch quirk: CyclicLR replaces base_lrs only after its initial step, so when another
        // scheduler set initial_lr first, that step writes the optimizer's original lr.
        Optimizer o = sgd(0.1);
        Map<String, Object> exp = Map.of("scheduler", "ExponentialLR", "options", Map.of("gamma", 0.9));
        Map<String, Object> cyc = Map.of("scheduler", "CyclicLR",
                "options", Map.of("base_lr", 0.01, "max_lr", 0.05, "step_size_up", 2, "cycle_momentum", false));
        Scheduler s = Schedulers.create("ChainedScheduler", o, opts("schedulers", List.of(exp, cyc)));
        // values from PyTorch 1.13.1: ChainedScheduler([ExponentialLR(0.9), CyclicLR(...)])
        steps(s, o, 0.1, 0.03, 0.05, 0.03, 0.01);
    }
}
