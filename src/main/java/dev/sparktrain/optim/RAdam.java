package dev.sparktrain.optim;

import dev.sparktrain.config.Options;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.RAdam} (1.13): the adaptive step is used only once the variance of the
 * adaptive lr is tractable ({@code ρ_t > 5}); before that, plain bias-corrected momentum.
 * Note eps is added to the raw sqrt(v) here (unlike Adam). No maximize in 1.13.
 */
public final class RAdam extends Optimizer {
    public static final Map<String, Object> DEFAULTS = defaults(
            "lr", 1e-3, "betas", new double[] {0.9, 0.999}, "eps", 1e-8, "weight_decay", 0.0);

    public RAdam(Options options, List<GroupSpec> groups) {
        super("RAdam", DEFAULTS, options, groups);
    }

    @Override
    protected void validate(ParamGroup g, Options where) {
        AdamFamily.validate(g, where);
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        final double lr = g.lr();
        final double[] betas = g.getPair("betas");
        final double b1 = betas[0], b2 = betas[1];
        final double eps = g.getDouble("eps");
        final double wd = g.getDouble("weight_decay");
        final long t = s.nextStep();
        final double bc1 = 1 - Math.pow(b1, t);
        final double b2t = Math.pow(b2, t);
        final double bc2 = 1 - b2t;
        final double rhoInf = 2 / (1 - b2) - 1;
        final double rhoT = rhoInf - 2 * t * b2t / bc2;
        final boolean rectify = rhoT > 5;
        final double rect = rectify
                ? Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
        final double bc2Sqrt = Math.sqrt(bc2);
        final double[] m = s.buffer("exp_avg", g.size(), 0.0);
        final double[] v = s.buffer("exp_avg_sq", g.size(), 0.0);
        g.forEachRange((po, so, len) -> {
            for (int i = 0; i < len; i++) {
                int pi = po + i, si = so + i;
                double d = grad[pi];
                if (wd != 0) d += wd * p[pi];
                double mi = m[si] * b1 + (1 - b1) * d;
                double vi = v[si] * b2 + (1 - b2) * d * d;
                m[si] = mi;
                v[si] = vi;
                double upd = mi / bc1 * lr;
                if (rectify) upd = upd * (bc2Sqrt / (Math.sqrt(vi) + eps)) * rect;
                p[pi] -= upd;
            }
        });
    }
}
