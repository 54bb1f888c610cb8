package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.optim.Optimizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/** Creates a scheduler from its PyTorch class name (case-insensitive) and keyword options. */
public final class Schedulers {
    private static final Map<String, BiFunction<Optimizer, Options, Scheduler>> REGISTRY = new LinkedHashMap<>();

    /** Schedulers whose argument is a function: Java API only. */
    private static final Set<String> JAVA_ONLY = Set.of("LambdaLR", "MultiplicativeLR");

    static {
        REGISTRY.put("StepLR", StepLR::new);
        REGISTRY.put("MultiStepLR", MultiStepLR::new);
        REGISTRY.put("ConstantLR", ConstantLR::new);
        REGISTRY.put("LinearLR", LinearLR::new);
        REGISTRY.put("ExponentialLR", ExponentialLR::new);
        REGISTRY.put("PolynomialLR", PolynomialLR::new);
        REGISTRY.put("CosineAnnealingLR", CosineAnnealingLR::new);
        REGISTRY.put("CosineAnnealingWarmRestarts", CosineAnnealingWarmRestarts::new);
        REGISTRY.put("CyclicLR", CyclicLR::new);
        REGISTRY.put("OneCycleLR", OneCycleLR::new);
        REGISTRY.put("ReduceLROnPlateau", ReduceLROnPlateau::new);
        REGISTRY.put("SequentialLR", SequentialLR::new);
        REGISTRY.put("ChainedScheduler", ChainedScheduler::new);
    }

    private Schedulers() {
    }

    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /**
     * Builds {@code name} on {@code optimizer}. Options are PyTorch's keyword arguments; for
     * SequentialLR and ChainedScheduler, {@code schedulers} is a list of
     * {@code {"scheduler": name, "options": {...}}} maps, built in order on the same optimizer.
     */
    public static Scheduler create(String name, Optimizer optimizer, Options options) {
        for (Map.Entry<String, BiFunction<Optimizer, Options, Scheduler>> e : REGISTRY.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) return e.getValue().apply(optimizer, options);
        }
        for (String j : JAVA_ONLY) {
            if (j.equalsIgnoreCase(name)) {
                throw new SparkTrainException(options.source() + ": scheduler '" + j + "' takes a Java function and cannot be "
                        + "created by name; construct new " + j + "(optimizer, epoch -> ...) in code");
            }
        }
        throw new SparkTrainException(options.source() + ": unknown scheduler '" + name + "'; allowed: "
                + String.join(", ", REGISTRY.keySet()) + " (LambdaLR and MultiplicativeLR from Java code only)");
    }

    /** Builds the list {@code options[key]} of {scheduler, options} maps, in order, on one optimizer. */
    static List<Scheduler> createAll(Optimizer optimizer, Options options, String key) {
        if (!SchedulerArgs.present(options, key)) throw options.error(key, "required but missing");
        Object raw = options.raw(key);
        String shape = "expected a list of {\"scheduler\": name, \"options\": {...}} maps";
        if (!(raw instanceof List<?> items) || items.isEmpty()) throw options.error(key, shape + ", got " + raw);
        List<Scheduler> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof Map<?, ?> item) || !(item.get("scheduler") instanceof String name)) {
                throw options.error(key, shape + "; entry " + i + " is " + items.get(i));
            }
            for (Object k : item.keySet()) {
                if (!"scheduler".equals(k) && !"options".equals(k)) {
                    throw options.error(key, "entry " + i + ": unknown key '" + k + "'; allowed: options, scheduler");
                }
            }
            Object sub = item.get("options");
            if (sub != null && !(sub instanceof Map<?, ?>)) {
                throw options.error(key, "entry " + i + ": 'options' must be a map, got " + sub);
            }
            Map<String, Object> subMap = new LinkedHashMap<>();
            if (sub != null) ((Map<?, ?>) sub).forEach((k, v) -> subMap.put(String.valueOf(k), v));
            out.add(create(name, optimizer, new Options(options.source() + " " + key + "[" + i + "] " + name, subMap)));
        }
        return out;
    }

    /** A composite runs per step if any child does. */
    static Scheduler.Interval intervalOf(List<? extends Scheduler> children) {
        for (Scheduler s : children) if (s.naturalInterval() == Scheduler.Interval.STEP) return Scheduler.Interval.STEP;
        return Scheduler.Interval.EPOCH;
    }

    static Optimizer optimizerOf(Scheduler s) {
        if (s instanceof LRScheduler l) return l.optimizer();
        if (s instanceof SequentialLR q) return q.optimizer();
        if (s instanceof ChainedScheduler c) return c.optimizer();
        if (s instanceof ReduceLROnPlateau p) return p.optimizer();
        throw new SparkTrainException("cannot tell the optimizer of " + s.getClass().getName());
    }

    static List<Object> states(List<? extends Scheduler> children) {
        List<Object> out = new ArrayList<>();
        for (Scheduler s : children) out.add(s.state());
        return out;
    }

    static void checkState(String who, Map<String, Object> m, List<? extends Scheduler> children) {
        if (!who.equals(m.get("scheduler"))) {
            throw new SparkTrainException(who + " state: saved by scheduler '" + m.get("scheduler") + "'");
        }
        if (!(m.get("schedulers") instanceof List<?> l) || l.size() != children.size()) {
            throw new SparkTrainException(who + " state: expected " + children.size() + " child scheduler states");
        }
    }

    @SuppressWarnings("unchecked")
    static void loadStates(List<? extends Scheduler> children, Map<String, Object> m) {
        List<Object> l = (List<Object>) m.get("schedulers");
        for (int i = 0; i < children.size(); i++) children.get(i).loadState((Map<String, Object>) l.get(i));
    }
}
