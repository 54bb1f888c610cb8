package dev.sparktrain.optim;

import java.util.Map;

import static dev.sparktrain.optim.Hyper.check;

/**
 * What Adam, AdamW, Adamax, NAdam and RAdam share: PyTorch 1.13's common range checks, the
 * one Adam/AdamW kernel (they differ only in where weight decay enters), and the moment update
 * NAdam and RAdam run before their own parameter update.
 */
final class AdamFamily {
    private AdamFamily() {
    }

    /** lr, eps, betas[0], betas[1], weight_decay: the checks every Adam-style constructor makes. */
    static void validate(String where, double lr, double beta1, double beta2, double eps, double weightDecay) {
        Hyper.nonNegative(where, "lr", lr, "eps", eps);
        double[] b = {beta1, beta2};
        check(beta1 >= 0 && beta1 < 1, where, "betas", b, "betas[0] must be in [0, 1)");
        check(beta2 >= 0 && beta2 < 1, where, "betas", b, "betas[1] must be in [0, 1)");
        Hyper.nonNegative(where, "weight_decay", weightDecay);
    }

    /** The param-group form of the hyper-parameters they all have, followed by {@code more} (key, value) pairs. */
    static Map<String, Object> map(double lr, double beta1, double beta2, double eps, double weightDecay, Object... more) {
        Object[] kv = new Object[8 + more.length];
        Object[] common = {"lr", lr, "betas", new double[] {beta1, beta2}, "eps", eps, "weight_decay", weightDecay};
        System.arraycopy(common, 0, kv, 0, common.length);
        System.arraycopy(more, 0, kv, common.length, more.length);
        return Hyper.map(kv);
    }

    /**
     * One Adam step. {@code decoupled} (AdamW) shrinks the parameter by {@code 1 - lr·wd} with the
     * current lr instead of adding {@code wd·p} to the gradient. Bias correction of v is applied to
     * sqrt(v) before eps is added, as PyTorch does; AMSGrad keeps the max of the raw v.
     */
    static void step(ParamGroup g, GroupState s, double[] p, double[] grad, boolean decoupled) {
        final Adam.Settings h = Adam.Settings.from(g.values()); // every step: OneCycleLR moves betas[0]
        final double lr = h.lr();
        final double b1 = h.beta1(), b2 = h.beta2();
        final double eps = h.eps();
        final double wd = h.weightDecay();
        final double sign = h.maximize() ? -1.0 : 1.0;
        final double l2 = decoupled ? 0.0 : wd;
        final double shrink = decoupled ? 1 - lr * wd : 1.0;
        final long t = s.nextStep();
        final double stepSize = lr / (1 - Math.pow(b1, t));
        final double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
        final double[] m = s.buffer("exp_avg", g.size(), 0.0);
        final double[] v = s.buffer("exp_avg_sq", g.size(), 0.0);
        final double[] vMax = h.amsgrad() ? s.buffer("max_exp_avg_sq", g.size(), 0.0) : null;
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

    /** What NAdam and RAdam do with one element once its moments are updated. */
    @FunctionalInterface
    interface ElementUpdate {
        /** @param d the gradient with L2 weight decay added; {@code m}, {@code v} the new moments (already stored) */
        void apply(int pi, double d, double m, double v);
    }

    /**
     * The L2-decayed gradient and Adam's moments {@code m = β1·m + (1-β1)·d}, {@code v = β2·v + (1-β2)·d²}
     * (states "exp_avg", "exp_avg_sq") for every element of the group, then {@code update} on it.
     */
    static void moments(ParamGroup g, GroupState s, double[] p, double[] grad, double b1, double b2, double wd,
                        ElementUpdate update) {
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
                update.apply(pi, d, mi, vi);
            }
        });
    }
}
