package dev.sparktrain.optim.lr;

import dev.sparktrain.config.Options;
import dev.sparktrain.optim.GroupConfig;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.optim.SGD;

import java.util.LinkedHashMap;
import java.util.Map;

/** Small builders for the scheduler unit tests. */
final class TestSupport {
    private TestSupport() {
    }

    static Options opts(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return new Options("test", m);
    }

    static Optimizer sgd(double lr) {
        return new SGD(GroupConfig.all(1, SGD.Settings.of(lr)));
    }

    static Optimizer sgdMomentum(double lr, double momentum) {
        return new SGD(GroupConfig.all(1, new SGD.Settings(lr, momentum, 0.0, 0.0, false, false)));
    }

    /** An Adam over one parameter: it has betas (cycled by OneCycleLR) and no momentum. */
    static Optimizer adam(Object... kv) {
        return Optimizers.create("Adam", opts(kv), GroupSpec.all(1));
    }

    static double lr(Optimizer o) {
        return o.paramGroups().get(0).lr();
    }
}
