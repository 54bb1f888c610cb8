package dev.sparktrain.optim;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.RAdam} (1.13): the adaptive step is used only once the variance of the
 * adaptive lr is tractable ({@code ρ_t > 5}); before that, plain bias-corrected momentum.
 * Note eps is added to the raw sqrt(v) here (unlike Adam). No maximize in 1.13.
 */
public final class RAdam extends Optimizer {
    public static final Settings DEFAULTS = new Settings(1e-3, 0.9, 0.999, 1e-8, 0.0);

    public record Settings(double lr, double beta1, double beta2, double eps, double weightDecay)
            implements OptimizerSettings {

        public static Settings from(Map<String, Object> m) {
            double[] b = Hyper.pair(m, "betas");
            return new Settings(Hyper.num(m, "lr"), b[0], b[1], Hyper.num(m, "eps"), Hyper.num(m, "weight_decay"));
        }

        @Override
        public Map<String, Object> toMap() {
            return AdamFamily.map(lr, beta1, beta2, eps, weightDecay);
        }

        @Override
        public void validate(String where) {
            AdamFamily.validate(where, lr, beta1, beta2, eps, weightDecay);
        }
    }

    public RAdam(List<GroupConfig<Settings>> groups) {
        super("RAdam", groups, Settings::from);
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        final Settings h = Settings.from(g.values());
        final double lr = h.lr();
        final double b2 = h.beta2();
        final double eps = h.eps();
        final long t = s.nextStep();
        final double bc1 = 1 - Math.pow(h.beta1(), t);
        final double b2t = Math.pow(b2, t);
        final double bc2 = 1 - b2t;
        final double rhoInf = 2 / (1 - b2) - 1;
        final double rhoT = rhoInf - 2 * t * b2t / bc2;
        final boolean rectify = rhoT > 5;
        final double rect = rectify
                ? Math.sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
        final double bc2Sqrt = Math.sqrt(bc2);
        AdamFamily.moments(g, s, p, grad, h.beta1(), b2, h.weightDecay(), (pi, d, mi, vi) -> {
            double upd = mi / bc1 * lr;
            if (rectify) upd = upd * (bc2Sqrt / (Math.sqrt(vi) + eps)) * rect;
            p[pi] -= upd;
        });
    }
}
