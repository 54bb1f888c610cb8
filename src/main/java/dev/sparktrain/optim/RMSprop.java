package dev.sparktrain.optim;

import dev.sparktrain.config.Options;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.RMSprop} (1.13): {@code v = α·v + (1-α)·g²}; centered subtracts the squared
 * running mean of g inside the sqrt; eps is added outside the sqrt; momentum accumulates
 * {@code g/avg}. Like PyTorch, alpha is only checked to be >= 0.
 */
public final class RMSprop extends Optimizer {
    public static final Map<String, Object> DEFAULTS = defaults(
            "lr", 1e-2, "alpha", 0.99, "eps", 1e-8, "weight_decay", 0.0, "momentum", 0.0,
            "centered", false, "maximize", false);

    public RMSprop(Options options, List<GroupSpec> groups) {
        super("RMSprop", DEFAULTS, options, groups);
    }

    @Override
    protected void validate(ParamGroup g, Options where) {
        check(g.lr() >= 0, where, "lr", "must be >= 0");
        check(g.getDouble("eps") >= 0, where, "eps", "must be >= 0");
        check(g.getDouble("momentum") >= 0, where, "momentum", "must be >= 0");
        check(g.getDouble("weight_decay") >= 0, where, "weight_decay", "must be >= 0");
        check(g.getDouble("alpha") >= 0, where, "alpha", "must be >= 0");
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        final double lr = g.lr();
        final double alpha = g.getDouble("alpha");
        final double eps = g.getDouble("eps");
        final double wd = g.getDouble("weight_decay");
        final double mu = g.getDouble("momentum");
        final double sign = g.getBool("maximize") ? -1.0 : 1.0;
        s.nextStep();
        final double[] v = s.buffer("square_avg", g.size(), 0.0);
        final double[] gAvg = g.getBool("centered") ? s.buffer("grad_avg", g.size(), 0.0) : null;
        final double[] buf = mu > 0 ? s.buffer("momentum_buffer", g.size(), 0.0) : null;
        g.forEachRange((po, so, len) -> {
            for (int i = 0; i < len; i++) {
                int pi = po + i, si = so + i;
                double d = sign * grad[pi];
                if (wd != 0) d += wd * p[pi];
                double vi = v[si] * alpha + (1 - alpha) * d * d;
                v[si] = vi;
                double avg;
                if (gAvg != null) {
                    double ga = gAvg[si] * alpha + (1 - alpha) * d;
                    gAvg[si] = ga;
                    avg = Math.sqrt(vi - ga * ga) + eps;
                } else {
                    avg = Math.sqrt(vi) + eps;
                }
                if (buf != null) {
                    double b = buf[si] * mu + d / avg;
                    buf[si] = b;
                    p[pi] -= lr * b;
                } else {
                    p[pi] -= lr * (d / avg);
                }
            }
        });
    }
}
