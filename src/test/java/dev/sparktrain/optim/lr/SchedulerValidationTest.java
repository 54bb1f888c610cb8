package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.optim.Optimizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.util.List;
import java.util.Map;

import static dev.sparktrain.optim.lr.TestSupport.opts;
import static dev.sparktrain.optim.lr.TestSupport.sgd;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invalid options are refused, naming the option and what was wrong with it. */
class SchedulerValidationTest {

    private static void refused(Executable e, String... fragments) {
        SparkTrainException x = assertThrows(SparkTrainException.class, e);
        for (String f : fragments) {
            assertTrue(x.getMessage().contains(f), "message '" + x.getMessage() + "' lacks '" + f + "'");
        }
    }

    private static Scheduler create(String name, Optimizer o, Options options) {
        return Schedulers.create(name, o, options);
    }

    @Test
    void nonPositiveTMaxRefused() {
        refused(() -> create("CosineAnnealingLR", sgd(0.1), opts("T_max", -3)), "'T_max'", "positive", "-3");
        refused(() -> create("CosineAnnealingLR", sgd(0.1), opts("T_max", 0)), "'T_max'");
        refused(() -> create("CosineAnnealingLR", sgd(0.1), opts()), "'T_max'", "required");
    }

    @Test
    void plateauFactorMustBeBelowOne() {
        refused(() -> create("ReduceLROnPlateau", sgd(0.1), opts("factor", 1.0)), "'factor'", "< 1.0");
        refused(() -> create("ReduceLROnPlateau", sgd(0.1), opts("factor", 2)), "'factor'");
    }

    @Test
    void unknownOptionListsAllowedOnes() {
        refused(() -> create("StepLR", sgd(0.1), opts("step_size", 2, "gama", 0.5)),
                "'gama'", "unknown option", "gamma", "step_size", "last_epoch", "verbose");
        refused(() -> create("ReduceLROnPlateau", sgd(0.1), opts("patients", 3)),
                "'patients'", "cooldown", "min_lr", "patience", "threshold_mode");
        refused(() -> create("ChainedScheduler", sgd(0.1), opts("schedulers", List.of(), "milestones", List.of(1))),
                "'milestones'", "allowed: schedulers");
    }

    @Test
    void unknownModesRefused() {
        refused(() -> create("CyclicLR", sgd(0.1), opts("base_lr", 0.01, "max_lr", 0.1, "mode", "square",
                "cycle_momentum", false)), "'mode'", "triangular, triangular2, exp_range", "square");
        refused(() -> create("ReduceLROnPlateau", sgd(0.1), opts("mode", "maximum")), "'mode'", "min, max");
        refused(() -> create("ReduceLROnPlateau", sgd(0.1), opts("threshold_mode", "relative")), "'threshold_mode'", "rel, abs");
        refused(() -> create("OneCycleLR", sgd(0.1), opts("max_lr", 0.1, "total_steps", 10, "anneal_strategy", "exp",
                "cycle_momentum", false)), "'anneal_strategy'", "cos, linear");
    }

    @Test
    void factorRangesAsPyTorch() {
        refused(() -> create("ConstantLR", sgd(0.1), opts("factor", 1.5)), "'factor'", "between 0 and 1");
        refused(() -> create("LinearLR", sgd(0.1), opts("start_factor", -0.1)), "'start_factor'");
        refused(() -> create("LinearLR", sgd(0.1), opts("end_factor", 1.1)), "'end_factor'");
        refused(() -> create("StepLR", sgd(0.1), opts("step_size", 0)), "'step_size'");
        refused(() -> create("CosineAnnealingWarmRestarts", sgd(0.1), opts("T_0", 0)), "'T_0'");
        refused(() -> create("CosineAnnealingWarmRestarts", sgd(0.1), opts("T_0", 2, "T_mult", 0)), "'T_mult'");
        refused(() -> create("CosineAnnealingWarmRestarts", sgd(0.1), opts("T_0", 2.5)), "'T_0'", "integer");
    }

    @Test
    void oneCycleNeedsALength() {
        refused(() -> create("OneCycleLR", sgd(0.1), opts("max_lr", 0.1)), "total_steps", "epochs and steps_per_epoch");
        refused(() -> create("OneCycleLR", sgd(0.1), opts("max_lr", 0.1, "epochs", 3)), "epochs and steps_per_epoch");
        refused(() -> create("OneCycleLR", sgd(0.1), opts("max_lr", 0.1, "total_steps", 0)), "'total_steps'", "positive");
        refused(() -> create("OneCycleLR", sgd(0.1), opts("max_lr", 0.1, "total_steps", 5, "pct_start", 1.5)), "'pct_start'");
        refused(() -> create("OneCycleLR", sgd(0.1), opts("max_lr", List.of(0.1, 0.2), "total_steps", 5)),
                "'max_lr'", "expected 1 values", "got 2");
    }

    @Test
    void oneCycleRefusesSteppingPastTheEnd() {
        Optimizer o = sgd(0.1);
        Scheduler s = create("OneCycleLR", o, opts("max_lr", 1.0, "total_steps", 3, "cycle_momentum", false));
        for (int i = 0; i < 3; i++) s.step(); // PyTorch accepts total_steps steps (the last one extrapolates)
        refused(s::step, "tried to step 5 times", "total_steps 3");
    }

    @Test
    void cycleMomentumNeedsMomentum() {
        refused(() -> create("CyclicLR", TestSupport.adam("lr", 0.1), opts("base_lr", 0.01, "max_lr", 0.1)),
                "'cycle_momentum'", "no 'momentum'", "cycle_momentum to false");
        // a refused CyclicLR leaves the optimizer as it was
        Optimizer o = TestSupport.adam("lr", 0.1);
        assertThrows(SparkTrainException.class, () -> create("CyclicLR", o, opts("base_lr", 0.01, "max_lr", 0.1)));
        assertTrue(TestSupport.lr(o) == 0.1 && !o.paramGroups().get(0).has("initial_lr"));
        create("CyclicLR", TestSupport.adam("lr", 0.1), opts("base_lr", 0.01, "max_lr", 0.1, "cycle_momentum", false));
        refused(() -> create("CyclicLR", sgd(0.1), opts("base_lr", 0.01, "max_lr", 0.1, "scale_fn", "x")),
                "'scale_fn'", "Java");
    }

    @Test
    void plateauRefusesNaNMetric() {
        Scheduler s = create("ReduceLROnPlateau", sgd(0.1), opts());
        refused(() -> s.step(Double.NaN), "ReduceLROnPlateau", "metric", "NaN");
        refused(s::step, "metric");
        s.step(Double.POSITIVE_INFINITY); // infinite metrics are legal in PyTorch
    }

    @Test
    void lastEpochOnlyFresh() {
        refused(() -> create("ExponentialLR", sgd(0.1), opts("gamma", 0.9, "last_epoch", 4)), "'last_epoch'", "state");
        create("ExponentialLR", sgd(0.1), opts("gamma", 0.9, "last_epoch", -1, "verbose", true));
    }

    @Test
    void functionSchedulersNotByName() {
        refused(() -> create("LambdaLR", sgd(0.1), opts()), "LambdaLR", "Java function", "in code");
        refused(() -> create("multiplicativelr", sgd(0.1), opts()), "MultiplicativeLR", "Java function");
        refused(() -> create("WarmupLR", sgd(0.1), opts()), "unknown scheduler 'WarmupLR'", "OneCycleLR", "LambdaLR");
    }

    @Test
    void compositesCheckTheirChildren() {
        Map<String, Object> plateau = Map.of("scheduler", "ReduceLROnPlateau");
        Map<String, Object> exp = Map.of("scheduler", "ExponentialLR", "options", Map.of("gamma", 0.9));
        refused(() -> create("SequentialLR", sgd(0.1), opts("schedulers", List.of(exp, exp), "milestones", List.of())),
                "expected 1 milestones", "got 0");
        refused(() -> create("SequentialLR", sgd(0.1), opts("schedulers", List.of(exp, plateau), "milestones", List.of(2))),
                "entry 1", "ReduceLROnPlateau", "SequentialLR");
        refused(() -> create("ChainedScheduler", sgd(0.1), opts("schedulers", List.of(exp, plateau))),
                "ReduceLROnPlateau", "metric");
        refused(() -> create("ChainedScheduler", sgd(0.1), opts("schedulers", "StepLR")), "'schedulers'", "list of");
        refused(() -> create("ChainedScheduler", sgd(0.1), opts("schedulers", List.of(Map.of("name", "StepLR")))),
                "'schedulers'", "entry 0");
        refused(() -> create("ChainedScheduler", sgd(0.1), opts("schedulers",
                List.of(Map.of("scheduler", "ExponentialLR", "options", Map.of("gamma", 0.9, "step", 1))))),
                "schedulers[0] ExponentialLR", "'step'", "unknown option");
    }
}
