package dev.sparktrain.optim.lr;

import dev.sparktrain.config.Options;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.GroupState;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.ParamGroup;

/**
 * Test stand-in for an Adam-family optimizer: only the hyper-parameters a scheduler sees
 * ({@code lr}, {@code betas}; no {@code momentum}). It does not move the parameters. The real
 * {@code dev.sparktrain.optim.Adam} is owned elsewhere; the golden Adam case uses that one.
 */
final class BetasOptimizer extends Optimizer {
    BetasOptimizer(Options options) {
        super("BetasOptimizer", defaults("lr", 0.001, "betas", new double[] {0.9, 0.999}), options, GroupSpec.all(1));
    }

    @Override
    protected void validate(ParamGroup group, Options where) {
    }

    @Override
    protected void stepGroup(ParamGroup g, GroupState s, double[] params, double[] grad) {
    }

    static BetasOptimizer of(Object... kv) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return new BetasOptimizer(new Options("test optimizer", m));
    }
}
