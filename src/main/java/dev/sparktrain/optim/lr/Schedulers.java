package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Names;
import dev.sparktrain.config.Options;
import dev.sparktrain.optim.Optimizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

import static dev.sparktrain.optim.lr.SchedulerOptions.allow;
import static dev.sparktrain.optim.lr.SchedulerOptions.perGroup;
import static dev.sparktrain.optim.lr.SchedulerOptions.present;

/**
 * Creates a scheduler from its PyTorch class name (case-insensitive) and keyword options: the one
 * place that reads scheduler options (names, defaults, checks), turning them into each
 * scheduler's settings record. Options are read and checked before the scheduler touches the
 * optimizer, so a refused scheduler leaves the optimizer as it was.
 */
public final class Schedulers {
    /**
     * A scheduler's keyword options (the only ones it accepts) and its parser. {@code lrScheduler}:
     * an {@code _LRScheduler} in PyTorch 1.13, which also takes {@code verbose} and {@code last_epoch}.
     */
    private record Entry(List<String> options, boolean lrScheduler, BiFunction<Optimizer, Options, Scheduler> build) {
        List<String> accepted() {
            if (!lrScheduler) return options;
            List<String> all = new ArrayList<>(options);
            all.addAll(SchedulerOptions.LR_SCHEDULER_OPTIONS);
            return all;
        }
    }

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    /** Schedulers whose argument is a function: Java API only. */
    private static final Set<String> JAVA_ONLY = Set.of("LambdaLR", "MultiplicativeLR");

    static {
        lr("StepLR", List.of("step_size", "gamma"), (opt, o) -> new StepLR(opt, stepLr(o)));
        lr("MultiStepLR", List.of("milestones", "gamma"), (opt, o) -> new MultiStepLR(opt, multiStepLr(o)));
        lr("ConstantLR", List.of("factor", "total_iters"), (opt, o) -> new ConstantLR(opt, constantLr(o)));
        lr("LinearLR", List.of("start_factor", "end_factor", "total_iters"), (opt, o) -> new LinearLR(opt, linearLr(o)));
        lr("ExponentialLR", List.of("gamma"), (opt, o) -> new ExponentialLR(opt, exponentialLr(o)));
        lr("PolynomialLR", List.of("total_iters", "power"), (opt, o) -> new PolynomialLR(opt, polynomialLr(o)));
        lr("CosineAnnealingLR", List.of("T_max", "eta_min"), (opt, o) -> new CosineAnnealingLR(opt, cosineAnnealingLr(o)));
        lr("CosineAnnealingWarmRestarts", List.of("T_0", "T_mult", "eta_min"),
                (opt, o) -> new CosineAnnealingWarmRestarts(opt, warmRestarts(o)));
        lr("CyclicLR", List.of("base_lr", "max_lr", "step_size_up", "step_size_down", "mode", "gamma", "scale_fn", "scale_mode",
                "cycle_momentum", "base_momentum", "max_momentum"), (opt, o) -> new CyclicLR(opt, CyclicOptions.cyclicLr(opt, o)));
        lr("OneCycleLR", List.of("max_lr", "total_steps", "epochs", "steps_per_epoch", "pct_start", "anneal_strategy",
                "cycle_momentum", "base_momentum", "max_momentum", "div_factor", "final_div_factor", "three_phase"),
                (opt, o) -> new OneCycleLR(opt, CyclicOptions.oneCycleLr(opt, o)));
        // ReduceLROnPlateau is not an _LRScheduler in PyTorch 1.13: no last_epoch argument.
        REGISTRY.put("ReduceLROnPlateau", new Entry(List.of("mode", "factor", "patience", "threshold", "threshold_mode",
                "cooldown", "min_lr", "eps", "verbose"), false, (opt, o) -> new ReduceLROnPlateau(opt, plateau(opt, o))));
        lr("SequentialLR", List.of("schedulers", "milestones"), Schedulers::sequentialLr);
        REGISTRY.put("ChainedScheduler", new Entry(List.of("schedulers"), false, Schedulers::chained));
    }

    private static void lr(String name, List<String> options, BiFunction<Optimizer, Options, Scheduler> build) {
        REGISTRY.put(name, new Entry(options, true, build));
    }

    private Schedulers() {
    }

    public static List<String> names() {
        return List.copyOf(REGISTRY.keySet());
    }

    /** Every keyword option {@code name} accepts (the list it is checked against), in PyTorch's order. */
    public static List<String> options(String name) {
        Entry e = REGISTRY.get(name);
        if (e == null) throw new IllegalArgumentException("no scheduler " + name);
        return e.accepted();
    }

    /**
     * Builds {@code name} on {@code optimizer}. Options are PyTorch's keyword arguments; for
     * SequentialLR and ChainedScheduler, {@code schedulers} is a list of
     * {@code {"scheduler": name, "options": {...}}} maps, built in order on the same optimizer.
     */
    public static Scheduler create(String name, Optimizer optimizer, Options options) {
        for (Map.Entry<String, Entry> e : REGISTRY.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                if (e.getValue().lrScheduler()) allow(options, e.getValue().options());
                else options.requireOnly(e.getValue().options());
                return e.getValue().build().apply(optimizer, options);
            }
        }
        for (String j : JAVA_ONLY) {
            if (j.equalsIgnoreCase(name)) {
                throw new SparkTrainException(options.source() + ": scheduler '" + j + "' takes a Java function and cannot be "
                        + "created by name; construct new " + j + "(optimizer, epoch -> ...) in code");
            }
        }
        throw new SparkTrainException(options.source() + ": unknown scheduler '" + name + "'; allowed: "
                + String.join(", ", REGISTRY.keySet()) + " (LambdaLR and MultiplicativeLR from Java code only)"
                + Names.didYouMean(name, REGISTRY.keySet()));
    }

    private static StepLR.Settings stepLr(Options o) {
        int stepSize = o.getInt("step_size");
        double gamma = o.getDouble("gamma", 0.1);
        if (stepSize <= 0) throw o.error("step_size", "must be a positive integer, got " + stepSize);
        return new StepLR.Settings(stepSize, gamma);
    }

    private static MultiStepLR.Settings multiStepLr(Options o) {
        List<Integer> milestones = SchedulerOptions.ints(o, "milestones");
        return new MultiStepLR.Settings(milestones, o.getDouble("gamma", 0.1));
    }

    private static ConstantLR.Settings constantLr(Options o) {
        double factor = o.getDouble("factor", 1.0 / 3);
        int totalIters = o.getInt("total_iters", 5);
        if (factor > 1.0 || factor < 0) throw o.error("factor", "must be between 0 and 1, got " + factor);
        return new ConstantLR.Settings(factor, totalIters);
    }

    private static LinearLR.Settings linearLr(Options o) {
        double startFactor = o.getDouble("start_factor", 1.0 / 3);
        double endFactor = o.getDouble("end_factor", 1.0);
        int totalIters = o.getInt("total_iters", 5);
        if (startFactor > 1.0 || startFactor < 0) {
            throw o.error("start_factor", "must be between 0 and 1, got " + startFactor);
        }
        if (endFactor > 1.0 || endFactor < 0) throw o.error("end_factor", "must be between 0 and 1, got " + endFactor);
        return new LinearLR.Settings(startFactor, endFactor, totalIters);
    }

    private static ExponentialLR.Settings exponentialLr(Options o) {
        return new ExponentialLR.Settings(o.getDouble("gamma"));
    }

    private static PolynomialLR.Settings polynomialLr(Options o) {
        int totalIters = o.getInt("total_iters", 5);
        return new PolynomialLR.Settings(totalIters, o.getDouble("power", 1.0));
    }

    private static CosineAnnealingLR.Settings cosineAnnealingLr(Options o) {
        double tMax = o.getDouble("T_max");
        double etaMin = o.getDouble("eta_min", 0.0);
        // PyTorch divides by T_max (0 raises ZeroDivisionError); a negative period is meaningless.
        if (!(tMax > 0)) throw o.error("T_max", "must be a positive number of epochs, got " + o.raw("T_max"));
        return new CosineAnnealingLR.Settings(tMax, etaMin);
    }

    private static CosineAnnealingWarmRestarts.Settings warmRestarts(Options o) {
        int t0 = o.getInt("T_0");
        int tMult = o.getInt("T_mult", 1);
        double etaMin = o.getDouble("eta_min", 0.0);
        if (t0 <= 0) throw o.error("T_0", "must be a positive integer, got " + t0);
        if (tMult < 1) throw o.error("T_mult", "must be an integer >= 1, got " + tMult);
        return new CosineAnnealingWarmRestarts.Settings(t0, tMult, etaMin);
    }

    private static ReduceLROnPlateau.Settings plateau(Optimizer optimizer, Options o) {
        if (present(o, "verbose")) o.getBool("verbose", false);
        double factor = o.getDouble("factor", 0.1);
        if (factor >= 1.0) throw o.error("factor", "must be < 1.0, got " + o.raw("factor"));
        String mode = o.getChoice("mode", "min", "min", "max");
        String thresholdMode = o.getChoice("threshold_mode", "rel", "rel", "abs");
        int patience = o.getInt("patience", 10);
        double threshold = o.getDouble("threshold", 1e-4);
        int cooldown = o.getInt("cooldown", 0);
        List<Double> minLr = perGroup(o, "min_lr", 0.0, optimizer);
        return new ReduceLROnPlateau.Settings(mode, factor, patience, threshold, thresholdMode, cooldown, minLr,
                o.getDouble("eps", 1e-8));
    }

    private static Scheduler sequentialLr(Optimizer optimizer, Options o) {
        List<LRScheduler> children = new ArrayList<>();
        List<Scheduler> built = createAll(optimizer, o, "schedulers");
        for (int i = 0; i < built.size(); i++) {
            if (!(built.get(i) instanceof LRScheduler s)) {
                throw o.error("schedulers", "entry " + i + " (" + built.get(i).getClass().getSimpleName()
                        + ") cannot run inside SequentialLR: PyTorch rewinds and restarts its children by epoch");
            }
            children.add(s);
        }
        int[] milestones = ScheduleMath.ints(SchedulerOptions.ints(o, "milestones"));
        return new SequentialLR(optimizer, children, milestones);
    }

    private static Scheduler chained(Optimizer optimizer, Options o) {
        return new ChainedScheduler(optimizer, createAll(optimizer, o, "schedulers"));
    }

    /** Builds the list {@code options[key]} of {scheduler, options} maps, in order, on one optimizer. */
    private static List<Scheduler> createAll(Optimizer optimizer, Options options, String key) {
        if (!present(options, key)) throw options.error(key, "required but missing");
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
}
