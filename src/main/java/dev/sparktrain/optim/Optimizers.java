package dev.sparktrain.optim;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Creates an optimizer from its PyTorch class name (case-insensitive) and keyword options. */
public final class Optimizers {
    private static final Map<String, BiFunction<Options, List<GroupSpec>, Optimizer>> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("SGD", SGD::new);
        REGISTRY.put("Adam", Adam::new);
        REGISTRY.put("AdamW", AdamW::new);
        REGISTRY.put("RMSprop", RMSprop::new);
        REGISTRY.put("Adagrad", Adagrad::new);
        REGISTRY.put("Adadelta", Adadelta::new);
        REGISTRY.put("Adamax", Adamax::new);
        REGISTRY.put("NAdam", NAdam::new);
        REGISTRY.put("RAdam", RAdam::new);
    }

    private Optimizers() {
    }

    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    public static Optimizer create(String name, Options options, List<GroupSpec> groups) {
        for (Map.Entry<String, BiFunction<Options, List<GroupSpec>, Optimizer>> e : REGISTRY.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) return e.getValue().apply(options, groups);
        }
        throw new SparkTrainException(options.source() + ": unknown optimizer '" + name + "'; allowed: "
                + String.join(", ", REGISTRY.keySet()));
    }
}
