package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.ParamGroup;

import java.util.List;

/**
 * {@code torch.optim.lr_scheduler.OneCycleLR}: warm up from max_lr/div_factor to max_lr, then
 * anneal (cos or linear) to initial_lr/final_div_factor; with {@code three_phase} back down to
 * initial_lr first. Stepped once per batch. Momentum ({@code momentum}, or {@code betas[0]} for
 * the Adam family) moves inversely between max_momentum and base_momentum. The per-group
 * endpoints live in the param groups ({@code initial_lr, max_lr, min_lr, max_momentum,
 * base_momentum}), as in PyTorch, so they travel with the optimizer's state.
 */
public final class OneCycleLR extends LRScheduler {
    /** A phase ends at step {@code end} (a float: PyTorch's pct_start·total_steps - 1), moving between group keys. */
    private record Phase(double end, String startLr, String endLr, String startMomentum, String endMomentum) {
    }

    private final int totalSteps;
    private final Phase[] phases;
    private final boolean linear;
    private final boolean cycleMomentum;
    private final boolean useBeta1;

    public OneCycleLR(Optimizer optimizer, Options o) {
        super(optimizer);
        SchedulerArgs.allow(o, "max_lr", "total_steps", "epochs", "steps_per_epoch", "pct_start", "anneal_strategy",
                "cycle_momentum", "base_momentum", "max_momentum", "div_factor", "final_div_factor", "three_phase");
        totalSteps = totalSteps(o);
        double pct = o.getDouble("pct_start", 0.3);
        if (!(pct >= 0 && pct <= 1)) throw o.error("pct_start", "must be a float between 0 and 1, got " + o.raw("pct_start"));
        linear = o.getChoice("anneal_strategy", "cos", "cos", "linear").equals("linear");
        if (o.getBool("three_phase", false)) {
            phases = new Phase[] {
                new Phase(pct * totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                new Phase(2 * pct * totalSteps - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                new Phase(totalSteps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")};
        } else {
            phases = new Phase[] {
                new Phase(pct * totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                new Phase(totalSteps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")};
        }
        double divFactor = o.getDouble("div_factor", 25.);
        double finalDivFactor = o.getDouble("final_div_factor", 1e4);
        double[] maxLrs = SchedulerArgs.perGroup(o, "max_lr", null, optimizer);
        List<ParamGroup> groups = optimizer.paramGroups();
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup g = groups.get(i);
            // unlike other schedulers, OneCycleLR overwrites initial_lr, so it is also the base lr
            double initial = SchedulerArgs.div(maxLrs[i], divFactor, "OneCycleLR", "max_lr / div_factor");
            g.set("initial_lr", initial);
            g.set("max_lr", maxLrs[i]);
            g.set("min_lr", SchedulerArgs.div(initial, finalDivFactor, "OneCycleLR", "initial_lr / final_div_factor"));
            baseLrs[i] = initial;
        }
        cycleMomentum = o.getBool("cycle_momentum", true);
        useBeta1 = groups.get(0).has("betas");
        if (cycleMomentum) {
            if (!useBeta1 && !groups.get(0).has("momentum")) {
                throw o.error("cycle_momentum", optimizer.name() + " has neither 'momentum' nor 'betas' to cycle; "
                        + "set cycle_momentum to false");
            }
            double[] maxM = SchedulerArgs.perGroup(o, "max_momentum", 0.95, optimizer);
            double[] baseM = SchedulerArgs.perGroup(o, "base_momentum", 0.85, optimizer);
            for (int i = 0; i < groups.size(); i++) {
                setMomentum(groups.get(i), maxM[i]);
                groups.get(i).set("max_momentum", maxM[i]);
                groups.get(i).set("base_momentum", baseM[i]);
            }
        }
        initialStep();
    }

    private static int totalSteps(Options o) {
        if (SchedulerArgs.present(o, "total_steps")) {
            int t = o.getInt("total_steps");
            if (t <= 0) throw o.error("total_steps", "expected a positive integer, got " + t);
            return t;
        }
        if (!SchedulerArgs.present(o, "epochs") || !SchedulerArgs.present(o, "steps_per_epoch")) {
            throw o.error("total_steps", "give total_steps, or both epochs and steps_per_epoch");
        }
        int epochs = o.getInt("epochs");
        int perEpoch = o.getInt("steps_per_epoch");
        if (epochs <= 0) throw o.error("epochs", "expected a positive integer, got " + epochs);
        if (perEpoch <= 0) throw o.error("steps_per_epoch", "expected a positive integer, got " + perEpoch);
        return Math.multiplyExact(epochs, perEpoch);
    }

    private void setMomentum(ParamGroup g, double m) {
        if (useBeta1) {
            double[] betas = g.getPair("betas");
            betas[0] = m;
            g.set("betas", betas);
        } else {
            g.set("momentum", m);
        }
    }

    @Override
    public Interval naturalInterval() {
        return Interval.STEP;
    }

    private double anneal(double start, double end, double pct) {
        if (linear) return (end - start) * pct + start;
        return end + (start - end) / 2.0 * (Math.cos(Math.PI * pct) + 1);
    }

    @Override
    protected double[] computeLr() {
        int stepNum = lastEpoch;
        if (stepNum > totalSteps) {
            throw new SparkTrainException("OneCycleLR: tried to step " + (stepNum + 1) + " times; the schedule has total_steps "
                    + totalSteps + " (PyTorch allows one step past the end, then raises)");
        }
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] lr = new double[groups.size()];
        for (int i = 0; i < lr.length; i++) {
            ParamGroup g = groups.get(i);
            double start = 0;
            for (int k = 0; k < phases.length; k++) {
                Phase p = phases[k];
                if (stepNum <= p.end() || k == phases.length - 1) {
                    double pct = SchedulerArgs.div(stepNum - start, p.end() - start, "OneCycleLR",
                            "the position in a zero-length phase (pct_start·total_steps = 1, or pct_start 1?)");
                    lr[i] = anneal(g.getDouble(p.startLr()), g.getDouble(p.endLr()), pct);
                    if (cycleMomentum) {
                        setMomentum(g, anneal(g.getDouble(p.startMomentum()), g.getDouble(p.endMomentum()), pct));
                    }
                    break;
                }
                start = p.end();
            }
        }
        return lr;
    }
}
