package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
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
    /** What the step ratio divides, named when a zero cycle is refused. */
    static final String RATIO = "step_size_up / (step_size_up + step_size_down)";

    private final double[] maxLrs;
    private final double totalSize;
    private final double stepRatio;
    private final double gamma;
    private final DoubleUnaryOperator scaleFn;
    private final boolean scaleByCycle;
    private final boolean cycleMomentum;
    private double[] baseMomentums;
    private final double[] maxMomentums;

    /**
     * PyTorch's arguments, one value per param group where PyTorch takes "float or list".
     * {@code mode} is triangular, triangular2 or exp_range (with {@code gamma}); {@code scaleMode}
     * ('cycle' or 'iterations') applies only with a Java scale function; {@code momentum} is null
     * when the momentum is not cycled (PyTorch's cycle_momentum=False).
     */
    public record Settings(List<Double> baseLr, List<Double> maxLr, double stepSizeUp, double stepSizeDown,
                           String mode, double gamma, String scaleMode, CycledMomentum momentum) {
        public Settings {
            baseLr = List.copyOf(baseLr);
            maxLr = List.copyOf(maxLr);
        }
    }

    public CyclicLR(Optimizer optimizer, Settings s) {
        this(optimizer, s, null);
    }

    /**
     * With a custom {@code scaleFn} (PyTorch's {@code scale_fn}, 0 <= f(x) <= 1): {@code mode} is
     * ignored and {@code scaleMode} says what x is.
     */
    public CyclicLR(Optimizer optimizer, Settings s, DoubleUnaryOperator scaleFn) {
        super(overwriteLr(optimizer, s));
        int n = optimizer.paramGroups().size();
        maxLrs = ScheduleMath.perGroup(s.maxLr(), n, "CyclicLR", "max_lr");
        totalSize = s.stepSizeUp() + s.stepSizeDown();
        stepRatio = ScheduleMath.div(s.stepSizeUp(), totalSize, "CyclicLR", RATIO);
        gamma = s.gamma();
        if (scaleFn != null) {
            this.scaleFn = scaleFn;
            scaleByCycle = s.scaleMode().equals("cycle");
        } else {
            this.scaleFn = switch (s.mode()) {
                case "triangular" -> x -> 1.;
                case "triangular2" -> x -> 1 / Math.pow(2., x - 1);
                default -> x -> Math.pow(gamma, x);
            };
            scaleByCycle = !s.mode().equals("exp_range");
        }
        cycleMomentum = s.momentum() != null;
        List<ParamGroup> groups = optimizer.paramGroups();
        if (cycleMomentum) {
            double[] base = ScheduleMath.perGroup(s.momentum().base(), n, "CyclicLR", "base_momentum");
            for (int i = 0; i < groups.size(); i++) groups.get(i).set("momentum", base[i]);
            baseMomentums = base;
            maxMomentums = ScheduleMath.perGroup(s.momentum().max(), n, "CyclicLR", "max_momentum");
        } else {
            maxMomentums = null;
        }
        double[] baseLr = ScheduleMath.perGroup(s.baseLr(), n, "CyclicLR", "base_lr");
        initialStep();
        // PyTorch replaces base_lrs only after the initial step, which therefore used initial_lr.
        System.arraycopy(baseLr, 0, baseLrs, 0, baseLr.length);
    }

    /** Runs before LRScheduler's constructor: PyTorch writes base_lr into the groups before setdefault(initial_lr). */
    private static Optimizer overwriteLr(Optimizer optimizer, Settings s) {
        if (s.momentum() != null && !optimizer.paramGroups().get(0).has("momentum")) {
            throw new SparkTrainException("CyclicLR: " + noMomentum(optimizer));
        }
        double[] baseLr = ScheduleMath.perGroup(s.baseLr(), optimizer.paramGroups().size(), "CyclicLR", "base_lr");
        for (int i = 0; i < baseLr.length; i++) optimizer.paramGroups().get(i).setLr(baseLr[i]);
        return optimizer;
    }

    static String noMomentum(Optimizer optimizer) {
        return optimizer.name() + " has no 'momentum' option to cycle; set cycle_momentum to false";
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
                ? ScheduleMath.div(x, stepRatio, "CyclicLR", "the rising half (step_size_up 0?)")
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
