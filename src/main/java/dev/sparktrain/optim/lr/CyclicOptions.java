package dev.sparktrain.optim.lr;

import dev.sparktrain.config.Options;
import dev.sparktrain.optim.Optimizer;

import java.util.List;

import static dev.sparktrain.optim.lr.SchedulerOptions.perGroup;
import static dev.sparktrain.optim.lr.SchedulerOptions.present;

/**
 * The scheduler registry's reading of CyclicLR's and OneCycleLR's options, in PyTorch's order of
 * checks; these two also depend on the optimizer (its group count, whether it has a momentum).
 */
final class CyclicOptions {
    private CyclicOptions() {
    }

    static CyclicLR.Settings cyclicLr(Optimizer optimizer, Options o) {
        if (present(o, "scale_fn")) {
            throw o.error("scale_fn", "a scale function is Java code: use new CyclicLR(optimizer, settings, x -> ...)");
        }
        boolean cycleMomentum = o.getBool("cycle_momentum", true);
        if (cycleMomentum && !optimizer.paramGroups().get(0).has("momentum")) {
            throw o.error("cycle_momentum", CyclicLR.noMomentum(optimizer));
        }
        List<Double> baseLr = perGroup(o, "base_lr", null, optimizer);
        List<Double> maxLr = perGroup(o, "max_lr", null, optimizer);
        double up = o.getDouble("step_size_up", 2000);
        double down = present(o, "step_size_down") ? o.getDouble("step_size_down") : up;
        if (up < 0) throw o.error("step_size_up", "must be >= 0, got " + o.raw("step_size_up"));
        if (down < 0) throw o.error("step_size_down", "must be >= 0, got " + o.raw("step_size_down"));
        ScheduleMath.div(up, up + down, "CyclicLR", CyclicLR.RATIO);
        double gamma = o.getDouble("gamma", 1.0);
        String mode = o.getChoice("mode", "triangular", "triangular", "triangular2", "exp_range");
        // scale_mode only matters with a Java scale function, but PyTorch's values are checked anyway
        String scaleMode = o.getChoice("scale_mode", "cycle", "cycle", "iterations");
        CycledMomentum momentum = cycleMomentum
                ? new CycledMomentum(perGroup(o, "base_momentum", 0.8, optimizer), perGroup(o, "max_momentum", 0.9, optimizer))
                : null;
        return new CyclicLR.Settings(baseLr, maxLr, up, down, mode, gamma, scaleMode, momentum);
    }

    static OneCycleLR.Settings oneCycleLr(Optimizer optimizer, Options o) {
        int totalSteps = totalSteps(o);
        double pct = o.getDouble("pct_start", 0.3);
        if (!(pct >= 0 && pct <= 1)) throw o.error("pct_start", "must be a float between 0 and 1, got " + o.raw("pct_start"));
        String anneal = o.getChoice("anneal_strategy", "cos", "cos", "linear");
        boolean threePhase = o.getBool("three_phase", false);
        double divFactor = o.getDouble("div_factor", 25.);
        double finalDivFactor = o.getDouble("final_div_factor", 1e4);
        List<Double> maxLr = perGroup(o, "max_lr", null, optimizer);
        for (double m : maxLr) OneCycleLR.minLr(OneCycleLR.initialLr(m, divFactor), finalDivFactor); // refuses a zero divisor
        boolean cycleMomentum = o.getBool("cycle_momentum", true);
        CycledMomentum momentum = null;
        if (cycleMomentum) {
            if (!optimizer.paramGroups().get(0).has("betas") && !optimizer.paramGroups().get(0).has("momentum")) {
                throw o.error("cycle_momentum", OneCycleLR.noMomentum(optimizer));
            }
            List<Double> max = perGroup(o, "max_momentum", 0.95, optimizer); // PyTorch reads max first
            momentum = new CycledMomentum(perGroup(o, "base_momentum", 0.85, optimizer), max);
        }
        return new OneCycleLR.Settings(maxLr, totalSteps, pct, anneal, threePhase, divFactor, finalDivFactor, momentum);
    }

    private static int totalSteps(Options o) {
        if (present(o, "total_steps")) {
            int t = o.getInt("total_steps");
            if (t <= 0) throw o.error("total_steps", "expected a positive integer, got " + t);
            return t;
        }
        if (!present(o, "epochs") || !present(o, "steps_per_epoch")) {
            throw o.error("total_steps", "give total_steps, or both epochs and steps_per_epoch");
        }
        int epochs = o.getInt("epochs");
        int perEpoch = o.getInt("steps_per_epoch");
        if (epochs <= 0) throw o.error("epochs", "expected a positive integer, got " + epochs);
        if (perEpoch <= 0) throw o.error("steps_per_epoch", "expected a positive integer, got " + perEpoch);
        return Math.multiplyExact(epochs, perEpoch);
    }
}
