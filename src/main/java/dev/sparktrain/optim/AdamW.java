package dev.sparktrain.optim;

import dev.sparktrain.config.Options;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.AdamW} (1.13): decoupled weight decay {@code p *= 1 - lr·wd} with the lr of
 * this step (so an LR scheduler scales the decay too), then the Adam update. Default decay 0.01.
 */
public final class AdamW extends Optimizer {
    public static final Map<String, Object> DEFAULTS = defaults(
            "lr", 1e-3, "betas", new double[] {0.9, 0.999}, "eps", 1e-8, "weight_decay", 1e-2,
            "amsgrad", false, "maximize", false);

    public AdamW(Options options, List<GroupSpec> groups) {
        super("AdamW", DEFAULTS, options, groups);
    }

    @Override
    protected void validate(ParamGroup g, Options where) {
        AdamFamily.validate(g, where);
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        AdamFamily.step(g, s, p, grad, true);
    }
}
