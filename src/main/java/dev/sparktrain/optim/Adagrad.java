package dev.sparktrain.optim;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.Adagrad} (1.13): {@code sum += g²} (starting at initial_accumulator_value),
 * {@code p -= clr·g/(sqrt(sum)+eps)} with {@code clr = lr/(1+(t-1)·lr_decay)}.
 */
public final class Adagrad extends Optimizer {
    public static final Settings DEFAULTS = new Settings(1e-2, 0.0, 0.0, 0.0, 1e-10, false);

    public record Settings(double lr, double lrDecay, double weightDecay, double initialAccumulatorValue, double eps,
                           boolean maximize) implements OptimizerSettings {

        public static Settings from(Map<String, Object> m) {
            return new Settings(Hyper.num(m, "lr"), Hyper.num(m, "lr_decay"), Hyper.num(m, "weight_decay"),
                    Hyper.num(m, "initial_accumulator_value"), Hyper.num(m, "eps"), Hyper.flag(m, "maximize"));
        }

        @Override
        public Map<String, Object> toMap() {
            return Hyper.map("lr", lr, "lr_decay", lrDecay, "weight_decay", weightDecay,
                    "initial_accumulator_value", initialAccumulatorValue, "eps", eps, "maximize", maximize);
        }

        @Override
        public void validate(String where) {
            Hyper.nonNegative(where, "lr", lr, "lr_decay", lrDecay, "weight_decay", weightDecay,
                    "initial_accumulator_value", initialAccumulatorValue, "eps", eps);
        }
    }

    /**
     * PyTorch 1.13 fills every group's accumulator from the constructor's
     * initial_accumulator_value, ignoring a group's own override; we do the same for parity.
     */
    private final double initialAccumulator;

    /** @param initialAccumulator the constructor's initial_accumulator_value, which fills every group's sum */
    public Adagrad(List<GroupConfig<Settings>> groups, double initialAccumulator) {
        super("Adagrad", groups, Settings::from);
        Hyper.nonNegative("Adagrad", "initial_accumulator_value", initialAccumulator);
        this.initialAccumulator = initialAccumulator;
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        final Settings h = Settings.from(g.values());
        final double eps = h.eps();
        final double wd = h.weightDecay();
        final double sign = h.maximize() ? -1.0 : 1.0;
        final long t = s.nextStep();
        final double clr = h.lr() / (1 + (t - 1) * h.lrDecay());
        // PyTorch fills the accumulator at construction; lazily on the first step is equivalent.
        final double[] sum = s.buffer("sum", g.size(), initialAccumulator);
        g.forEachRange((po, so, len) -> {
            for (int i = 0; i < len; i++) {
                int pi = po + i, si = so + i;
                double d = sign * grad[pi];
                if (wd != 0) d += wd * p[pi];
                double acc = sum[si] + d * d;
                sum[si] = acc;
                p[pi] -= clr * (d / (Math.sqrt(acc) + eps));
            }
        });
    }
}
