package dev.sparktrain.optim;

import dev.sparktrain.config.Options;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.Adagrad} (1.13): {@code sum += g²} (starting at initial_accumulator_value),
 * {@code p -= clr·g/(sqrt(sum)+eps)} with {@code clr = lr/(1+(t-1)·lr_decay)}.
 */
public final class Adagrad extends Optimizer {
    public static final Map<String, Object> DEFAULTS = defaults(
            "lr", 1e-2, "lr_decay", 0.0, "weight_decay", 0.0, "initial_accumulator_value", 0.0,
            "eps", 1e-10, "maximize", false);

    /**
     * PyTorch 1.13 fills every group's accumulator from the constructor's
     * initial_accumulator_value, ignoring a group's own override; we do the same for parity.
     */
    private final double initialAccumulator;

    public Adagrad(Options options, List<GroupSpec> groups) {
        super("Adagrad", DEFAULTS, options, groups);
        initialAccumulator = options.getDouble("initial_accumulator_value", 0.0);
        check(initialAccumulator >= 0, options, "initial_accumulator_value", "must be >= 0");
    }

    @Override
    protected void validate(ParamGroup g, Options where) {
        check(g.lr() >= 0, where, "lr", "must be >= 0");
        check(g.getDouble("lr_decay") >= 0, where, "lr_decay", "must be >= 0");
        check(g.getDouble("weight_decay") >= 0, where, "weight_decay", "must be >= 0");
        check(g.getDouble("initial_accumulator_value") >= 0, where, "initial_accumulator_value", "must be >= 0");
        check(g.getDouble("eps") >= 0, where, "eps", "must be >= 0");
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        final double eps = g.getDouble("eps");
        final double wd = g.getDouble("weight_decay");
        final double sign = g.getBool("maximize") ? -1.0 : 1.0;
        final long t = s.nextStep();
        final double clr = g.lr() / (1 + (t - 1) * g.getDouble("lr_decay"));
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
