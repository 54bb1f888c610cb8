package dev.sparktrain.optim;

import dev.sparktrain.config.Options;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.Adamax} (1.13): infinity-norm second moment {@code u = max(β2·u, |g|+eps)}
 * (eps inside the max, so u never reaches 0), {@code p -= lr/(1-β1^t)·m/u}.
 */
public final class Adamax extends Optimizer {
    public static final Map<String, Object> DEFAULTS = defaults(
            "lr", 2e-3, "betas", new double[] {0.9, 0.999}, "eps", 1e-8, "weight_decay", 0.0,
            "maximize", false);

    public Adamax(Options options, List<GroupSpec> groups) {
        super("Adamax", DEFAULTS, options, groups);
    }

    @Override
    protected void validate(ParamGroup g, Options where) {
        AdamFamily.validate(g, where);
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        final double[] betas = g.getPair("betas");
        final double b1 = betas[0], b2 = betas[1];
        final double eps = g.getDouble("eps");
        final double wd = g.getDouble("weight_decay");
        final double sign = g.getBool("maximize") ? -1.0 : 1.0;
        final long t = s.nextStep();
        final double clr = g.lr() / (1 - Math.pow(b1, t));
        final double[] m = s.buffer("exp_avg", g.size(), 0.0);
        final double[] u = s.buffer("exp_inf", g.size(), 0.0);
        g.forEachRange((po, so, len) -> {
            for (int i = 0; i < len; i++) {
                int pi = po + i, si = so + i;
                double d = sign * grad[pi];
                if (wd != 0) d += wd * p[pi];
                double mi = m[si] * b1 + (1 - b1) * d;
                double ui = Math.max(u[si] * b2, Math.abs(d) + eps);
                m[si] = mi;
                u[si] = ui;
                p[pi] -= clr * (mi / ui);
            }
        });
    }
}
