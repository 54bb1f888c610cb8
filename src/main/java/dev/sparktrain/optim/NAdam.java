package dev.sparktrain.optim;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.NAdam} with the corrected momentum-product denominator
 * {@code 1 - Π_t·μ_{t+1}} (PyTorch 2.0, and 1.13's foreach path). PyTorch 1.13's default path
 * multiplies μ_t in twice; we deliberately do not reproduce that bug. No maximize in 1.13.
 * {@code μ_t = β1(1 - 0.5·0.96^(t·momentum_decay))}, {@code Π_t = Π_{t-1}·μ_t} (state "mu_product").
 */
public final class NAdam extends Optimizer {
    public static final Settings DEFAULTS = new Settings(2e-3, 0.9, 0.999, 1e-8, 0.0, 4e-3);

    public record Settings(double lr, double beta1, double beta2, double eps, double weightDecay,
                           double momentumDecay) implements OptimizerSettings {

        public static Settings from(Map<String, Object> m) {
            double[] b = Hyper.pair(m, "betas");
            return new Settings(Hyper.num(m, "lr"), b[0], b[1], Hyper.num(m, "eps"), Hyper.num(m, "weight_decay"),
                    Hyper.num(m, "momentum_decay"));
        }

        @Override
        public Map<String, Object> toMap() {
            return AdamFamily.map(lr, beta1, beta2, eps, weightDecay, "momentum_decay", momentumDecay);
        }

        @Override
        public void validate(String where) {
            AdamFamily.validate(where, lr, beta1, beta2, eps, weightDecay);
            Hyper.nonNegative(where, "momentum_decay", momentumDecay);
        }
    }

    public NAdam(List<GroupConfig<Settings>> groups) {
        super("NAdam", groups, Settings::from);
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        final Settings h = Settings.from(g.values());
        final double lr = h.lr();
        final double b1 = h.beta1();
        final double md = h.momentumDecay();
        final long t = s.nextStep();
        final double bc2Sqrt = Math.sqrt(1 - Math.pow(h.beta2(), t));
        final double mu = b1 * (1 - 0.5 * Math.pow(0.96, t * md));
        final double muNext = b1 * (1 - 0.5 * Math.pow(0.96, (t + 1) * md));
        final double prod = s.scalar("mu_product", 1.0) * mu;
        s.setScalar("mu_product", prod);
        final double gradStep = lr * (1 - mu) / (1 - prod);
        final double avgStep = lr * muNext / (1 - prod * muNext);
        final double eps = h.eps();
        AdamFamily.moments(g, s, p, grad, b1, h.beta2(), h.weightDecay(), (pi, d, mi, vi) -> {
            double denom = Math.sqrt(vi) / bc2Sqrt + eps;
            double q = p[pi] - gradStep * (d / denom);
            p[pi] = q - avgStep * (mi / denom);
        });
    }
}
