package dev.sparktrain.optim;

import dev.sparktrain.config.Options;

import static dev.sparktrain.optim.Optimizer.check;

/**
 * What Adam, AdamW, Adamax, NAdam and RAdam share: PyTorch 1.13's common range checks, and the
 * one Adam/AdamW kernel (they differ only in where weight decay enters).
 */
final class AdamFamily {
    private AdamFamily() {
    }

    /** lr, eps, betas[0], betas[1], weight_decay: the checks every Adam-style constructor makes. */
    static void validate(ParamGroup g, Options where) {
        check(g.lr() >= 0, where, "lr", "must be >= 0");
        check(g.getDouble("eps") >= 0, where, "eps", "must be >= 0");
        double[] b = g.getPair("betas");
        check(b[0] >= 0 && b[0] < 1, where, "betas", "betas[0] must be in [0, 1)");
        check(b[1] >= 0 && b[1] < 1, where, "betas", "betas[1] must be in [0, 1)");
        check(g.getDouble("weight_decay") >= 0, where, "weight_decay", "must be >= 0");
    }

    /**
     * One Adam step. {@code decoupled} (AdamW) shrinks the parameter by {@code 1 - lr·wd} with the
     * current lr instead of adding {@code wd·p} to the gradient. Bias correction of v is applied to
     * sqrt(v) before eps is added, as PyTorch does; AMSGrad keeps the max of the raw v.
     */
    static void step(ParamGroup g, GroupState s, double[] p, double[] grad, boolean decoupled) {
        final double lr = g.lr();
        final double[] betas = g.getPair("betas"); // read every step: OneCycleLR/CyclicLR move betas[0]
        final double b1 = betas[0], b2 = betas[1];
        final double eps = g.getDouble("eps");
        final double wd = g.getDouble("weight_decay");
        final double sign = g.getBool("maximize") ? -1.0 : 1.0;
        final double l2 = decoupled ? 0.0 : wd;
        final double shrink = decoupled ? 1 - lr * wd : 1.0;
        final long t = s.nextStep();
        final double stepSize = lr / (1 - Math.pow(b1, t));
        final double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
        final double[] m = s.buffer("exp_avg", g.size(), 0.0);
        final double[] v = s.buffer("exp_avg_sq", g.size(), 0.0);
        final double[] vMax = g.getBool("amsgrad") ? s.buffer("max_exp_avg_sq", g.size(), 0.0) : null;
        g.forEachRange((po, so, len) -> {
            for (int i = 0; i < len; i++) {
                int pi = po + i, si = so + i;
                double d = sign * grad[pi];
                if (l2 != 0) d += l2 * p[pi];
                double mi = m[si] * b1 + (1 - b1) * d;
                double vi = v[si] * b2 + (1 - b2) * d * d;
                m[si] = mi;
                v[si] = vi;
                if (vMax != null) {
                    vi = Math.max(vMax[si], vi);
                    vMax[si] = vi;
                }
                double denom = Math.sqrt(vi) / bc2Sqrt + eps;
                p[pi] = p[pi] * shrink - stepSize * (mi / denom);
            }
        });
    }
}
