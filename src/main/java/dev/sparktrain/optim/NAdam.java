package dev.sparktrain.optim;

import dev.sparktrain.config.Options;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.NAdam} with the corrected momentum-product denominator
 * {@code 1 - Π_t·μ_{t+1}} (PyTorch 2.0, and 1.13's foreach path). PyTorch 1.13's default path
 * multiplies μ_t in twice; we deliberately do not reproduce that bug. No maximize in 1.13.
 * {@code μ_t = β1(1 - 0.5·0.96^(t·momentum_decay))}, {@code Π_t = Π_{t-1}·μ_t} (state "mu_product").
 */
public final class NAdam extends Optimizer {
    public static final Map<String, Object> DEFAULTS = defaults(
            "lr", 2e-3, "betas", new double[] {0.9, 0.999}, "eps", 1e-8, "weight_decay", 0.0,
            "momentum_decay", 4e-3);

    public NAdam(Options options, List<GroupSpec> groups) {
        super("NAdam", DEFAULTS, options, groups);
    }

    @Override
    protected void validate(ParamGroup g, Options where) {
        AdamFamily.validate(g, where);
        check(g.getDouble("momentum_decay") >= 0, where, "momentum_decay", "must be >= 0");
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        final double lr = g.lr();
        final double[] betas = g.getPair("betas");
        final double b1 = betas[0], b2 = betas[1];
        final double eps = g.getDouble("eps");
        final double wd = g.getDouble("weight_decay");
        final double md = g.getDouble("momentum_decay");
        final long t = s.nextStep();
        final double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
        final double mu = b1 * (1 - 0.5 * Math.pow(0.96, t * md));
        final double muNext = b1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * md));
        final double prod = s.scalar("mu_product", 1.0) * mu;
        s.setScalar("mu_product", prod);
        final double gradStep = lr * (1 - mu) / (1 - prod);
        final double avgStep = lr * muNext / (1 - prod * muNext);
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
                double denom = Math.sqrt(vi) / bc2Sqrt + eps;
                double q = p[pi] - gradStep * (d / denom);
                p[pi] = q - avgStep * (mi / denom);
            }
        });
    }
}
