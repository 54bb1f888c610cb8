package dev.sparktrain.optim;

import java.util.List;
import java.util.Map;

/** {@code torch.optim.Adam} (1.13): L2 weight decay added to the gradient; amsgrad; maximize. */
public final class Adam extends Optimizer {
    public static final Settings DEFAULTS = new Settings(1e-3, 0.9, 0.999, 1e-8, 0.0, false, false);

    /** Adam's and AdamW's hyper-parameters ({@code betas} is the pair beta1, beta2). */
    public record Settings(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad,
                           boolean maximize) implements OptimizerSettings {

        public static Settings from(Map<String, Object> m) {
            double[] b = Hyper.pair(m, "betas");
            return new Settings(Hyper.num(m, "lr"), b[0], b[1], Hyper.num(m, "eps"), Hyper.num(m, "weight_decay"),
                    Hyper.flag(m, "amsgrad"), Hyper.flag(m, "maximize"));
        }

        @Override
        public Map<String, Object> toMap() {
            return AdamFamily.map(lr, beta1, beta2, eps, weightDecay, "amsgrad", amsgrad, "maximize", maximize);
        }

        @Override
        public void validate(String where) {
            AdamFamily.validate(where, lr, beta1, beta2, eps, weightDecay);
        }
    }

    public Adam(List<GroupConfig<Settings>> groups) {
        super("Adam", groups, Settings::from);
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        AdamFamily.step(g, s, p, grad, false);
    }
}
