package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.ParamGroup;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.lr_scheduler.ChainedScheduler}: every step steps all children in order, so
 * the recursive (chainable) schedulers multiply their factors. Construction changes nothing.
 */
public final class ChainedScheduler implements Scheduler {
    private final Optimizer optimizer;
    private final List<Scheduler> schedulers;
    private double[] lastLr;

    public ChainedScheduler(Optimizer optimizer, List<? extends Scheduler> schedulers) {
        if (schedulers.isEmpty()) throw new SparkTrainException("ChainedScheduler: needs at least one scheduler");
        for (int i = 0; i < schedulers.size(); i++) {
            Scheduler s = schedulers.get(i);
            if (s instanceof ReduceLROnPlateau) {
                throw new SparkTrainException("ChainedScheduler: scheduler " + i + " is ReduceLROnPlateau, which needs a "
                        + "metric; PyTorch's ChainedScheduler steps its children without one");
            }
            if (Composites.optimizerOf(s) != optimizer) {
                throw new SparkTrainException("ChainedScheduler: scheduler " + i + " belongs to another optimizer");
            }
        }
        this.optimizer = optimizer;
        this.schedulers = List.copyOf(schedulers);
        lastLr = currentLrs();
    }

    @Override
    public Interval naturalInterval() {
        return Composites.intervalOf(schedulers);
    }

    @Override
    public void step(double metric) {
        for (Scheduler s : schedulers) s.step();
        lastLr = currentLrs();
    }

    private double[] currentLrs() {
        List<ParamGroup> groups = optimizer.paramGroups();
        double[] lr = new double[groups.size()];
        for (int i = 0; i < lr.length; i++) lr[i] = groups.get(i).lr();
        return lr;
    }

    public double[] lastLr() {
        return lastLr.clone();
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    @Override
    public Map<String, Object> state() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("scheduler", "ChainedScheduler");
        m.put("last_lr", lastLr.clone());
        m.put("schedulers", Composites.states(schedulers));
        return m;
    }

    @Override
    public void loadState(Map<String, Object> m) {
        Composites.checkState("ChainedScheduler", m, schedulers);
        lastLr = ((double[]) m.get("last_lr")).clone();
        Composites.loadStates(schedulers, m);
    }
}
