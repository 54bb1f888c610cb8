package dev.sparktrain.optim;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.Adamax} (1.13): infinity-norm second moment {@code u = max(β2·u, |g|+eps)}
 * (eps inside the max, so u never reaches 0), {@code p -= lr/(1-β1^t)·m/u}.
 */
public final class Adamax extends Optimizer {
    public static final Settings DEFAULTS = new Settings(2e-3, 0.9, 0.999, 1e-8, 0.0, false);

    public record Settings(double lr, double beta1, double beta2, double eps, double weightDecay, boolean maximize)
            implements OptimizerSettings {

        public static Settings from(Map<String, Object> m) {
            double[] b = Hyper.pair(m, "betas");
            return new Settings(Hyper.num(m, "lr"), b[0], b[1], Hyper.num(m, "eps"), Hyper.num(m, "weight_decay"),
                    Hyper.flag(m, "maximize"));
        }

        @Override
        public Map<String, Object> toMap() {
            return AdamFamily.map(lr, beta1, beta2, eps, weightDecay, "maximize", maximize);
        }

        @Override
        public void validate(String where) {
            AdamFamily.validate(where, lr, beta1, beta2, eps, weightDecay);
        }
    }

    public Adamax(List<GroupConfig<Settings>> groups) {
        super("Adamax", groups, Settings::from);
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        final Settings h = Settings.from(g.values());
        final double b1 = h.beta1(), b2 = h.beta2();
        final double eps = h.eps();
        final double wd = h.weightDecay();
        final double sign = h.maximize() ? -1.0 : 1.0;
        final long t = s.nextStep();
        final double clr = h.lr() / (1 - Math.pow(b1, t));
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
