package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
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

    /**
     * PyTorch's arguments, one value per param group where PyTorch takes "float or list";
     * {@code totalSteps} is PyTorch's total_steps or epochs × steps_per_epoch, {@code annealStrategy}
     * "cos" or "linear"; {@code momentum} is null when not cycled (PyTorch's cycle_momentum=False).
     */
    public record Settings(List<Double> maxLr, int totalSteps, double pctStart, String annealStrategy,
                           boolean threePhase, double divFactor, double finalDivFactor, CycledMomentum momentum) {
        public Settings {
            maxLr = List.copyOf(maxLr);
        }
    }

    public OneCycleLR(Optimizer optimizer, Settings s) {
        super(optimizer);
        totalSteps = s.totalSteps();
        double pct = s.pctStart();
        linear = s.annealStrategy().equals("linear");
        if (s.threePhase()) {
            phases = new Phase[] {
                new Phase(pct * totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                new Phase(2 * pct * totalSteps - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                new Phase(totalSteps - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum")};
        } else {
            phases = new Phase[] {
                new Phase(pct * totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                new Phase(totalSteps - 1, "max_lr", "min_lr", "base_momentum", "max_momentum")};
        }
        int n = optimizer.paramGroups().size();
        double[] maxLrs = ScheduleMath.perGroup(s.maxLr(), n, "OneCycleLR", "max_lr");
        cycleMomentum = s.momentum() != null;
        List<ParamGroup> groups = optimizer.paramGroups();
        useBeta1 = groups.get(0).has("betas");
        if (cycleMomentum && !useBeta1 && !groups.get(0).has("momentum")) {
            throw new SparkTrainException("OneCycleLR: " + noMomentum(optimizer));
        }
        for (int i = 0; i < groups.size(); i++) {
            ParamGroup g = groups.get(i);
            // unlike other schedulers, OneCycleLR overwrites initial_lr, so it is also the base lr
            double initial = initialLr(maxLrs[i], s.divFactor());
            g.set("initial_lr", initial);
            g.set("max_lr", maxLrs[i]);
            g.set("min_lr", minLr(initial, s.finalDivFactor()));
            baseLrs[i] = initial;
        }
        if (cycleMomentum) {
            double[] maxM = ScheduleMath.perGroup(s.momentum().max(), n, "OneCycleLR", "max_momentum");
            double[] baseM = ScheduleMath.perGroup(s.momentum().base(), n, "OneCycleLR", "base_momentum");
            for (int i = 0; i < groups.size(); i++) {
                setMomentum(groups.get(i), maxM[i]);
                groups.get(i).set("max_momentum", maxM[i]);
                groups.get(i).set("base_momentum", baseM[i]);
            }
        }
        initialStep();
    }

    static double initialLr(double maxLr, double divFactor) {
        return ScheduleMath.div(maxLr, divFactor, "OneCycleLR", "max_lr / div_factor");
    }

    static double minLr(double initialLr, double finalDivFactor) {
        return ScheduleMath.div(initialLr, finalDivFactor, "OneCycleLR", "initial_lr / final_div_factor");
    }

    static String noMomentum(Optimizer optimizer) {
        return optimizer.name() + " has neither 'momentum' nor 'betas' to cycle; set cycle_momentum to false";
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
                    double pct = ScheduleMath.div(stepNum - start, p.end() - start, "OneCycleLR",
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
