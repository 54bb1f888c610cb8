package dev.sparktrain.optim;

import dev.sparktrain.config.Options;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.SGD} (1.13): weight decay added to the gradient, momentum buffer seeded with
 * the first gradient (no dampening on that step), optional Nesterov, maximize.
 */
public final class SGD extends Optimizer {
    public static final Map<String, Object> DEFAULTS = defaults(
            "lr", REQUIRED, "momentum", 0.0, "dampening", 0.0, "weight_decay", 0.0,
            "nesterov", false, "maximize", false);

    public SGD(Options options, List<GroupSpec> groups) {
        super("SGD", DEFAULTS, options, groups);
    }

    @Override
    protected void validate(ParamGroup g, Options where) {
        check(g.lr() >= 0, where, "lr", "must be >= 0");
        check(g.getDouble("momentum") >= 0, where, "momentum", "must be >= 0");
        check(g.getDouble("weight_decay") >= 0, where, "weight_decay", "must be >= 0");
        check(!g.getBool("nesterov") || (g.getDouble("momentum") > 0 && g.getDouble("dampening") == 0),
                where, "nesterov", "Nesterov momentum requires a momentum and zero dampening");
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        final double lr = g.lr();
        final double mu = g.getDouble("momentum");
        final double damp = g.getDouble("dampening");
        final double wd = g.getDouble("weight_decay");
        final boolean nesterov = g.getBool("nesterov");
        final double sign = g.getBool("maximize") ? -1.0 : 1.0;
        s.nextStep();
        final boolean first = mu != 0 && !s.hasBuffer("momentum_buffer");
        final double[] buf = mu != 0 ? s.buffer("momentum_buffer", g.size(), 0.0) : null;
        g.forEachRange((po, so, len) -> {
            for (int i = 0; i < len; i++) {
                double d = sign * grad[po + i] + wd * p[po + i];
                if (buf != null) {
                    double b = first ? d : mu * buf[so + i] + (1 - damp) * d;
                    buf[so + i] = b;
                    d = nesterov ? d + mu * b : b;
                }
                p[po + i] -= lr * d;
            }
        });
    }
}
