package dev.sparktrain.optim;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Names;
import dev.sparktrain.config.Options;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Creates an optimizer from its PyTorch class name (case-insensitive) and keyword options: the one
 * place that reads optimizer options. Each group's settings are the optimizer's defaults, then the
 * options, then the group's overrides; the kind of each default (number, flag, pair) says how a
 * value is read.
 */
public final class Optimizers {
    /** PyTorch implementation switches: accepted for compatibility, they do not change the numbers. */
    private static final Set<String> SWITCHES = Set.of("foreach", "differentiable", "capturable", "fused");

    /**
     * @param defaults a NaN number marks a hyper-parameter without default (SGD's lr in PyTorch 1.13)
     * @param build    the optimizer from its groups (and the options, for constructor-only arguments)
     */
    private record Entry<S extends OptimizerSettings>(String name, S defaults, Function<Map<String, Object>, S> decode,
                                                      BiFunction<List<GroupConfig<S>>, Options, Optimizer> build) {
    }

    private static final List<Entry<?>> REGISTRY = List.of(
            new Entry<>("SGD", SGD.DEFAULTS, SGD.Settings::from, (g, o) -> new SGD(g)),
            new Entry<>("Adam", Adam.DEFAULTS, Adam.Settings::from, (g, o) -> new Adam(g)),
            new Entry<>("AdamW", AdamW.DEFAULTS, Adam.Settings::from, (g, o) -> new AdamW(g)),
            new Entry<>("RMSprop", RMSprop.DEFAULTS, RMSprop.Settings::from, (g, o) -> new RMSprop(g)),
            new Entry<>("Adagrad", Adagrad.DEFAULTS, Adagrad.Settings::from, Optimizers::adagrad),
            new Entry<>("Adadelta", Adadelta.DEFAULTS, Adadelta.Settings::from, (g, o) -> new Adadelta(g)),
            new Entry<>("Adamax", Adamax.DEFAULTS, Adamax.Settings::from, (g, o) -> new Adamax(g)),
            new Entry<>("NAdam", NAdam.DEFAULTS, NAdam.Settings::from, (g, o) -> new NAdam(g)),
            new Entry<>("RAdam", RAdam.DEFAULTS, RAdam.Settings::from, (g, o) -> new RAdam(g)));

    private Optimizers() {
    }

    public static List<String> names() {
        return REGISTRY.stream().map(Entry::name).toList();
    }

    /**
     * {@code name}'s hyper-parameters with PyTorch's defaults (NaN: required), in PyTorch's order:
     * the options it reads, besides the {@link #switches()}.
     */
    public static Map<String, Object> defaults(String name) {
        for (Entry<?> e : REGISTRY) if (e.name().equals(name)) return e.defaults().toMap();
        throw new IllegalArgumentException("no optimizer " + name);
    }

    /** PyTorch's implementation switches, accepted by every optimizer and ignored. */
    public static Set<String> switches() {
        return SWITCHES;
    }

    public static Optimizer create(String name, Options options, List<GroupSpec> groups) {
        for (Entry<?> e : REGISTRY) {
            if (e.name().equalsIgnoreCase(name)) return create(e, options, groups);
        }
        throw new SparkTrainException(options.source() + ": unknown optimizer '" + name + "'; allowed: "
                + String.join(", ", names()) + Names.didYouMean(name, names()));
    }

    private static <S extends OptimizerSettings> Optimizer create(Entry<S> e, Options options, List<GroupSpec> specs) {
        if (specs.isEmpty()) throw Optimizer.emptyGroups(e.name());
        Map<String, Object> defaults = e.defaults().toMap();
        Set<String> allowed = new LinkedHashSet<>(defaults.keySet());
        allowed.addAll(SWITCHES);
        options.requireOnly(allowed);
        List<GroupConfig<S>> configs = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            GroupSpec spec = specs.get(i);
            spec.overrides().requireOnly(allowed);
            Map<String, Object> resolved = new LinkedHashMap<>();
            for (Map.Entry<String, Object> d : defaults.entrySet()) {
                String key = d.getKey();
                Options src = spec.overrides().has(key) ? spec.overrides() : options;
                resolved.put(key, read(src, key, d.getValue(), e.name()));
            }
            S settings = e.decode().apply(resolved);
            settings.validate(Optimizer.groupName(e.name(), i)); // group by group, before reading the next
            configs.add(new GroupConfig<>(spec.offsets(), spec.lengths(), settings));
        }
        return e.build().apply(configs, options);
    }

    private static Object read(Options src, String key, Object dflt, String name) {
        if (dflt instanceof Double d && d.isNaN()) {
            if (!src.has(key)) throw src.error(key, name + " requires it");
            return src.getDouble(key);
        }
        if (dflt instanceof Boolean b) return src.getBool(key, b);
        if (dflt instanceof double[] pair) {
            double[] v = src.getDoubles(key, pair);
            if (v.length != pair.length) throw src.error(key, "expected " + pair.length + " numbers, got " + v.length);
            return v;
        }
        if (dflt instanceof Number n) return src.getDouble(key, n.doubleValue());
        throw new IllegalStateException("unsupported default type for " + key);
    }

    /** Adagrad's initial_accumulator_value fills every group's sum from the constructor's value. */
    private static Optimizer adagrad(List<GroupConfig<Adagrad.Settings>> groups, Options options) {
        String key = "initial_accumulator_value";
        double init = options.getDouble(key, Adagrad.DEFAULTS.initialAccumulatorValue());
        if (!(init >= 0)) throw options.error(key, "invalid value " + Hyper.show(options.raw(key)) + ": must be >= 0");
        return new Adagrad(groups, init);
    }
}
