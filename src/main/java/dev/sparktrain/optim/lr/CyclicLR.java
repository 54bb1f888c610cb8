package dev.sparktrain.optim.lr;

import dev.sparktrain.config.Options;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.ParamGroup;

import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * {@code torch.optim.lr_scheduler.CyclicLR}: the lr cycles between {@code base_lr} and
 * {@code max_lr} (triangular, triangular2, exp_range or a Java scale function), stepped once per
 * batch. With {@code cycle_momentum} the optimizer's {@code momentum} moves inversely between
 * {@code max_momentum} and {@code base_momentum}. Construction overwrites the optimizer's lr with
 * base_lr and its momentum with base_momentum, as PyTorch does.
 */
public final class CyclicLR extends LRScheduler {
    private static final String[] KEYS = {"base_lr", "max_lr", "step_size_up", "step_size_down", "mode", "gamma",
        "scale_fn", "scale_mode", "cycle_momentum", "base_momentum", "max_momentum"};

    private final double[] maxLrs;
    private final double totalSize;
    private final double stepRatio;
    private final double gamma;
    private final DoubleUnaryOperator scaleFn;
    private final boolean scaleByCycle;
    private final boolean cycleMomentum;
    private double[] baseMomentums;
    private final double[] maxMomentums;

    public CyclicLR(Optimizer optimizer, Options o) {
        this(optimizer, o, null);
    }

    /**
     * With a custom {@code scaleFn} (PyTorch's {@code scale_fn}, 0 <= f(x) <= 1): {@code mode} is
     * ignored and {@code scale_mode} ('cycle' or 'iterations') says what x is.
     */
    public CyclicLR(Optimizer optimizer, Options o, DoubleUnaryOperator scaleFn) {
        super(overwriteLr(optimizer, o));
        maxLrs = SchedulerArgs.perGroup(o, "max_lr", null, optimizer);
        double up = o.getDouble("step_size_up", 2000);
        double down = SchedulerArgs.present(o, "step_size_down") ? o.getDouble("step_size_down") : up;
        if (up < 0) throw o.error("step_size_up", "must be >= 0, got " + o.raw("step_size_up"));
        if (down < 0) throw o.error("step_size_down", "must be >= 0, got " + o.raw("step_size_down"));
        totalSize = up + down;
        stepRatio = SchedulerArgs.div(up, totalSize, "CyclicLR", "step_size_up / (step_size_up + step_size_down)");
        gamma = o.getDouble("gamma", 1.0);
        if (scaleFn != null) {
            this.scaleFn = scaleFn;
            scaleByCycle = o.getChoice("scale_mode", "cycle", "cycle", "iterations").equals("cycle");
        } else {
            String mode = o.getChoice("mode", "triangular", "triangular", "triangular2", "exp_range");
            o.getChoice("scale_mode", "cycle", "cycle", "iterations"); // validated; PyTorch ignores it without scale_fn
            this.scaleFn = switch (mode) {
                case "triangular" -> x -> 1.;
                case "triangular2" -> x -> 1 / Math.pow(2., x - 1);
                default -> x -> Math.pow(gamma, x);
            };
            scaleByCycle = !mode.equals("exp_range");
        }
        cycleMomentum = o.getBool("cycle_momentum", true);
        List<ParamGroup> groups = optimizer.paramGroups();
        if (cycleMomentum) {
            double[] base = SchedulerArgs.perGroup(o, "base_momentum", 0.8, optimizer);
            for (int i = 0; i < groups.size(); i++) groups.get(i).set("momentum", base[i]);
            baseMomentums = base;
            maxMomentums = SchedulerArgs.perGroup(o, "max_momentum", 0.9, optimizer);
        } else {
            maxMomentums = null;
        }
        double[] baseLr = SchedulerArgs.perGroup(o, "base_lr", null, optimizer);
        initialStep();
        // PyTorch replaces base_lrs only after the initial step, which therefore used initial_lr.
        System.arraycopy(baseLr, 0, baseLrs, 0, baseLr.length);
    }

    /** Runs before LRScheduler's constructor: PyTorch writes base_lr into the groups before setdefault(initial_lr). */
    private static Optimizer overwriteLr(Optimizer optimizer, Options o) {
        SchedulerArgs.allow(o, KEYS);
        if (SchedulerArgs.present(o, "scale_fn")) {
            throw o.error("scale_fn", "a scale function is Java code: use new CyclicLR(optimizer, options, x -> ...)");
        }
        if (o.getBool("cycle_momentum", true) && !optimizer.paramGroups().get(0).has("momentum")) {
            throw o.error("cycle_momentum", optimizer.name() + " has no 'momentum' option to cycle; "
                    + "set cycle_momentum to false");
        }
        double[] baseLr = SchedulerArgs.perGroup(o, "base_lr", null, optimizer);
        for (int i = 0; i < baseLr.length; i++) optimizer.paramGroups().get(i).setLr(baseLr[i]);
        return optimizer;
    }

    @Override
    public Interval naturalInterval() {
        return Interval.STEP;
    }

    @Override
    protected double[] computeLr() {
        double cycle = Math.floor(1 + lastEpoch / totalSize);
        double x = 1. + lastEpoch / totalSize - cycle;
        double scaleFactor = x <= stepRatio
                ? SchedulerArgs.div(x, stepRatio, "CyclicLR", "the rising half (step_size_up 0?)")
                : (x - 1) / (stepRatio - 1);
        double scale = scaleFn.applyAsDouble(scaleByCycle ? cycle : lastEpoch);
        double[] lr = new double[groupCount()];
        for (int i = 0; i < lr.length; i++) lr[i] = baseLrs[i] + (maxLrs[i] - baseLrs[i]) * scaleFactor * scale;
        if (cycleMomentum) {
            List<ParamGroup> groups = optimizer.paramGroups();
            for (int i = 0; i < lr.length; i++) {
                double height = (maxMomentums[i] - baseMomentums[i]) * scaleFactor;
                groups.get(i).set("momentum", maxMomentums[i] - height * scale);
            }
        }
        return lr;
    }

    @Override
    protected void saveExtra(Map<String, Object> m) {
        if (baseMomentums != null) m.put("base_momentums", baseMomentums.clone());
    }

    @Override
    protected void loadExtra(Map<String, Object> m) {
        if (baseMomentums != null && m.get("base_momentums") instanceof double[] b) baseMomentums = b.clone();
    }
}
