package dev.sparktrain.optim;

import dev.sparktrain.config.Options;

import java.util.List;
import java.util.Map;

/** {@code torch.optim.Adam} (1.13): L2 weight decay added to the gradient; amsgrad; maximize. */
public final class Adam extends Optimizer {
    public static final Map<String, Object> DEFAULTS = defaults(
            "lr", 1e-3, "betas", new double[] {0.9, 0.999}, "eps", 1e-8, "weight_decay", 0.0,
            "amsgrad", false, "maximize", false);

    public Adam(Options options, List<GroupSpec> groups) {
        super("Adam", DEFAULTS, options, groups);
    }

    @Override
    protected void validate(ParamGroup g, Options where) {
        AdamFamily.validate(g, where);
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        AdamFamily.step(g, s, p, grad, false);
    }
}
