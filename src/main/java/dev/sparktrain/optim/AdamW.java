package dev.sparktrain.optim;

import java.util.List;

/**
 * {@code torch.optim.AdamW} (1.13): decoupled weight decay {@code p *= 1 - lr·wd} with the lr of
 * this step (so an LR scheduler scales the decay too), then the Adam update. It takes Adam's
 * settings; only the default weight decay differs (0.01).
 */
public final class AdamW extends Optimizer {
    public static final Adam.Settings DEFAULTS = new Adam.Settings(1e-3, 0.9, 0.999, 1e-8, 1e-2, false, false);

    public AdamW(List<GroupConfig<Adam.Settings>> groups) {
        super("AdamW", groups, Adam.Settings::from);
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] p, double[] grad) {
        AdamFamily.step(g, s, p, grad, true);
    }
}
