package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.optim.Optimizer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Creates a scheduler from its PyTorch class name (case-insensitive) and keyword options. */
public final class Schedulers {
    private static final Map<String, BiFunction<Optimizer, Options, Scheduler>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("StepLR", StepLR::new);
    }

    private Schedulers() {
    }

    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    public static Scheduler create(String name, Optimizer optimizer, Options options) {
        for (Map.Entry<String, BiFunction<Optimizer, Options, Scheduler>> e : REGISTRY.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) return e.getValue().apply(optimizer, options);
        }
        throw new SparkTrainException(options.source() + ": unknown scheduler '" + name + "'; allowed: "
                + String.join(", ", REGISTRY.keySet()));
    }
}
