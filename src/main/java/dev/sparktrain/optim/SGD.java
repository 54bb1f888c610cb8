package dev.sparktrain.optim;

import java.util.List;
import java.util.Map;

import static dev.sparktrain.optim.Hyper.check;

/**
 * {@code torch.optim.SGD} (1.13): weight decay added to the gradient, momentum buffer seeded with
 * the first gradient (no dampening on that step), optional Nesterov, maximize.
 */
public final class SGD extends Optimizer {
    /** PyTorch's defaults; lr has none (NaN here: the registry requires it). */
    public static final Settings DEFAULTS = new Settings(Double.NaN, 0.0, 0.0, 0.0, false, false);

    public record Settings(double lr, double momentum, double dampening, double weightDecay, boolean nesterov,
                           boolean maximize) implements OptimizerSettings {

        /** PyTorch's defaults with this lr. */
        public static Settings of(double lr) {
            return new Settings(lr, DEFAULTS.momentum, DEFAULTS.dampening, DEFAULTS.weightDecay, DEFAULTS.nesterov,
                    DEFAULTS.maximize);
        }

        public static Settings from(Map<String, Object> m) {
            return new Settings(Hyper.num(m, "lr"), Hyper.num(m, "momentum"), Hyper.num(m, "dampening"),
                    Hyper.num(m, "weight_decay"), Hyper.flag(m, "nesterov"), Hyper.flag(m, "maximize"));
        }

        @Override
        public Map<String, Object> toMap() {
            return Hyper.map("lr", lr, "momentum", momentum, "dampening", dampening, "weight_decay", weightDecay,
                    "nesterov", nesterov, "maximize", maximize);
        }

        @Override
        public void validate(String where) {
            Hyper.nonNegative(where, "lr", lr, "momentum", momentum, "weight_decay", weightDecay);
            check(!nesterov || (momentum > 0 && dampening == 0), where, "nesterov", nesterov,
                    "Nesterov momentum requires a momentum and zero dampening");
        }
    }

    public SGD(List<GroupConfig<Settings>> groups) {
        super("SGD", groups, Settings::from);
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        final Settings h = Settings.from(g.values());
        final double lr = h.lr();
        final double mu = h.momentum();
        final double damp = h.dampening();
        final double wd = h.weightDecay();
        final boolean nesterov = h.nesterov();
        final double sign = h.maximize() ? -1.0 : 1.0;
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
