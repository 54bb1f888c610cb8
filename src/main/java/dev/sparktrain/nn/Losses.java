package dev.sparktrain.nn;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Names;
import dev.sparktrain.config.Options;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Creates a loss from its PyTorch class name (case-insensitive) and keyword options. */
public final class Losses {
    /** A loss's keyword options (the list its constructor checks) and the constructor. */
    private record Entry(List<String> options, BiFunction<Options, Integer, Loss> build) {
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    static {
        REGISTRY.put("CrossEntropyLoss", new Entry(CrossEntropyLoss.OPTIONS, CrossEntropyLoss::new));
        REGISTRY.put("MSELoss", new Entry(MSELoss.OPTIONS, MSELoss::new));
        REGISTRY.put("BCEWithLogitsLoss", new Entry(BCEWithLogitsLoss.OPTIONS, BCEWithLogitsLoss::new));
        REGISTRY.put("NLLLoss", new Entry(NLLLoss.OPTIONS, NLLLoss::new));
        REGISTRY.put("L1Loss", new Entry(L1Loss.OPTIONS, L1Loss::new));
        REGISTRY.put("SmoothL1Loss", new Entry(SmoothL1Loss.OPTIONS, SmoothL1Loss::new));
        REGISTRY.put("HuberLoss", new Entry(HuberLoss.OPTIONS, HuberLoss::new));
    }

    private Losses() {
    }

    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /** The keyword options the named loss accepts. */
    public static List<String> options(String name) {
        Entry e = REGISTRY.get(name);
        if (e == null) throw new IllegalArgumentException("no loss " + name);
        return e.options();
    }

    /** The losses whose models classify (or, with false, regress): what a classifier may be trained with. */
    public static List<String> names(boolean classifies) {
        return names().stream().filter(n -> task(n).classifies() == classifies).toList();
    }

    /** What the outputs of a model trained with the named loss mean. */
    public static Loss.Task task(String name) {
        return create(name, Options.empty(name), 2).task();
    }

    /**
     * The label the named loss is told to ignore ({@code ignore_index} given in its options), or
     * null: the data loader then accepts that label, and never counts it as a class. An unknown
     * loss gives null (its name is refused when the loss is built).
     */
    public static Integer ignoredLabel(String name, Options options) {
        for (Map.Entry<String, Entry> e : REGISTRY.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name == null ? "" : name.trim())) {
                return e.getValue().options().contains("ignore_index") && options.has("ignore_index")
                        ? options.getInt("ignore_index") : null;
            }
        }
        return null;
    }

    /** @param outputs model outputs per row (the number of classes for CrossEntropyLoss and NLLLoss) */
    public static Loss create(String name, Options options, int outputs) {
        for (Map.Entry<String, Entry> e : REGISTRY.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name == null ? "" : name.trim())) return e.getValue().build().apply(options, outputs);
        }
        throw new SparkTrainException(options.source() + ": unknown loss '" + name + "'; allowed: "
                + String.join(", ", REGISTRY.keySet()) + (name == null ? "" : Names.didYouMean(name.trim(), REGISTRY.keySet())));
    }
}
