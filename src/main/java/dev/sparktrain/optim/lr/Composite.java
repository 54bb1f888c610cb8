package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.optim.Optimizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjIntConsumer;

/**
 * What SequentialLR and ChainedScheduler share: children on one optimizer, an interval that is
 * per step if any child's is, the lr after the last step, and a state that nests the children's.
 */
abstract class Composite<S extends Scheduler> implements Scheduler {
    private final String name;
    protected final Optimizer optimizer;
    protected final List<S> schedulers;
    protected double[] lastLr;

    /** Refuses no children, a child {@code refuse} throws for, and a child of another optimizer. */
    Composite(String name, Optimizer optimizer, List<? extends S> schedulers, ObjIntConsumer<S> refuse) {
        if (schedulers.isEmpty()) throw new SparkTrainException(name + ": needs at least one scheduler");
        for (int i = 0; i < schedulers.size(); i++) {
            S s = schedulers.get(i);
            refuse.accept(s, i);
            if (s.optimizer() != optimizer) {
                throw new SparkTrainException(name + ": scheduler " + i + " belongs to another optimizer");
            }
        }
        this.name = name;
        this.optimizer = optimizer;
        this.schedulers = List.copyOf(schedulers);
    }

    @Override
    public Interval naturalInterval() {
        for (Scheduler s : schedulers) if (s.naturalInterval() == Interval.STEP) return Interval.STEP;
        return Interval.EPOCH;
    }

    @Override
    public double[] lastLr() {
        return lastLr.clone();
    }

    @Override
    public Optimizer optimizer() {
        return optimizer;
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scheduler", name);
        saveExtra(m);
        m.put("last_lr", lastLr.clone());
        List<Object> children = new ArrayList<>();
        for (Scheduler s : schedulers) children.add(s.state());
        m.put("schedulers", children);
        return m;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void loadState(Map<String, Object> m) {
        ScheduleMath.checkSavedBy(name, m);
        if (!(m.get("schedulers") instanceof List<?> l) || l.size() != schedulers.size()) {
            throw new SparkTrainException(name + " state: expected " + schedulers.size() + " child scheduler states");
        }
        loadExtra(m);
        lastLr = ((double[]) m.get("last_lr")).clone();
        for (int i = 0; i < schedulers.size(); i++) schedulers.get(i).loadState((Map<String, Object>) l.get(i));
    }

    /** State beyond last_lr and the children's, put after "scheduler". */
    protected void saveExtra(Map<String, Object> m) {
    }

    protected void loadExtra(Map<String, Object> m) {
    }
}
