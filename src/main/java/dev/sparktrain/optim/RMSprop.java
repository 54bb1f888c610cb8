package dev.sparktrain.optim;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.RMSprop} (1.13): {@code v = α·v + (1-α)·g²}; centered subtracts the squared
 * running mean of g inside the sqrt; eps is added outside the sqrt; momentum accumulates
 * {@code g/avg}. Like PyTorch, alpha is only checked to be >= 0.
 */
public final class RMSprop extends Optimizer {
    public static final Settings DEFAULTS = new Settings(1e-2, 0.99, 1e-8, 0.0, 0.0, false, false);

    public record Settings(double lr, double alpha, double eps, double weightDecay, double momentum, boolean centered,
                           boolean maximize) implements OptimizerSettings {

        public static Settings from(Map<String, Object> m) {
            return new Settings(Hyper.num(m, "lr"), Hyper.num(m, "alpha"), Hyper.num(m, "eps"),
                    Hyper.num(m, "weight_decay"), Hyper.num(m, "momentum"), Hyper.flag(m, "centered"),
                    Hyper.flag(m, "maximize"));
        }

        @Override
        public Map<String, Object> toMap() {
            return Hyper.map("lr", lr, "alpha", alpha, "eps", eps, "weight_decay", weightDecay, "momentum", momentum,
                    "centered", centered, "maximize", maximize);
        }

        @Override
        public void validate(String where) {
            Hyper.nonNegative(where, "lr", lr, "eps", eps, "momentum", momentum, "weight_decay", weightDecay,
                    "alpha", alpha);
        }
    }

    public RMSprop(List<GroupConfig<Settings>> groups) {
        super("RMSprop", groups, Settings::from);
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        final Settings h = Settings.from(g.values());
        final double lr = h.lr();
        final double alpha = h.alpha();
        final double eps = h.eps();
        final double wd = h.weightDecay();
        final double mu = h.momentum();
        final double sign = h.maximize() ? -1.0 : 1.0;
        s.nextStep();
        final double[] v = s.buffer("square_avg", g.size(), 0.0);
        final double[] gAvg = h.centered() ? s.buffer("grad_avg", g.size(), 0.0) : null;
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
