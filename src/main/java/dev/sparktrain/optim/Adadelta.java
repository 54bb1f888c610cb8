package dev.sparktrain.optim;

import java.util.List;
import java.util.Map;

import static dev.sparktrain.optim.Hyper.check;

/**
 * {@code torch.optim.Adadelta} (1.13): eps inside both square roots,
 * {@code δ = sqrt(u+eps)/sqrt(v+eps)·g}, {@code p -= lr·δ}; default lr 1.0, rho in [0, 1].
 */
public final class Adadelta extends Optimizer {
    public static final Settings DEFAULTS = new Settings(1.0, 0.9, 1e-6, 0.0, false);

    public record Settings(double lr, double rho, double eps, double weightDecay, boolean maximize)
            implements OptimizerSettings {

        public static Settings from(Map<String, Object> m) {
            return new Settings(Hyper.num(m, "lr"), Hyper.num(m, "rho"), Hyper.num(m, "eps"),
                    Hyper.num(m, "weight_decay"), Hyper.flag(m, "maximize"));
        }

        @Override
        public Map<String, Object> toMap() {
            return Hyper.map("lr", lr, "rho", rho, "eps", eps, "weight_decay", weightDecay, "maximize", maximize);
        }

        @Override
        public void validate(String where) {
            Hyper.nonNegative(where, "lr", lr);
            check(rho >= 0 && rho <= 1, where, "rho", rho, "must be in [0, 1]");
            Hyper.nonNegative(where, "eps", eps, "weight_decay", weightDecay);
        }
    }

    public Adadelta(List<GroupConfig<Settings>> groups) {
        super("Adadelta", groups, Settings::from);
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        final Settings h = Settings.from(g.values());
        final double lr = h.lr();
        final double rho = h.rho();
        final double eps = h.eps();
        final double wd = h.weightDecay();
        final double sign = h.maximize() ? -1.0 : 1.0;
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
