package dev.sparktrain.optim;

import dev.sparktrain.config.Options;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.Adadelta} (1.13): eps inside both square roots,
 * {@code δ = sqrt(u+eps)/sqrt(v+eps)·g}, {@code p -= lr·δ}; default lr 1.0, rho in [0, 1].
 */
public final class Adadelta extends Optimizer {
    public static final Map<String, Object> DEFAULTS = defaults(
            "lr", 1.0, "rho", 0.9, "eps", 1e-6, "weight_decay", 0.0, "maximize", false);

    public Adadelta(Options options, List<GroupSpec> groups) {
        super("Adadelta", DEFAULTS, options, groups);
    }

    @Override
    protected void validate(ParamGroup g, Options where) {
        double rho = g.getDouble("rho");
        check(g.lr() >= 0, where, "lr", "must be >= 0");
        check(rho >= 0 && rho <= 1, where, "rho", "must be in [0, 1]");
        check(g.getDouble("eps") >= 0, where, "eps", "must be >= 0");
        check(g.getDouble("weight_decay") >= 0, where, "weight_decay", "must be >= 0");
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        final double lr = g.lr();
        final double rho = g.getDouble("rho");
        final double eps = g.getDouble("eps");
        final double wd = g.getDouble("weight_decay");
        final double sign = g.getBool("maximize") ? -1.0 : 1.0;
        s.nextStep();
        final double[] v = s.buffer("square_avg", g.size(), 0.0);
        final double[] u = s.buffer("acc_delta", g.size(), 0.0);
        g.forEachRange((po, so, len) -> {
            for (int i = 0; i < len; i++) {
                int pi = po + i, si = so + i;
                double d = sign * grad[pi];
                if (wd != 0) d += wd * p[pi];
                double vi = v[si] * rho + (1 - rho) * d * d;
                v[si] = vi;
                double delta = Math.sqrt(u[si] + eps) / Math.sqrt(vi + eps) * d;
                u[si] = u[si] * rho + (1 - rho) * delta * delta;
                p[pi] -= lr * delta;
            }
        });
    }
}
