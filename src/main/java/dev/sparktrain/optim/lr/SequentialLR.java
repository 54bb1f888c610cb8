package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.ParamGroup;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.lr_scheduler.SequentialLR}: child i runs from milestone i-1 to milestone i.
 * Construction resets the lr to initial_lr, rewinds every child's constructor step and restarts
 * the first; at a milestone the next child is stepped to epoch 0 with its closed form (so it
 * starts from its base lr, not from where the previous child left the lr).
 */
public final class SequentialLR implements Scheduler {
    private final Optimizer optimizer;
    private final List<LRScheduler> schedulers;
    private final int[] milestones;
    private int lastEpoch;
    private double[] lastLr;

    public SequentialLR(Optimizer optimizer, List<LRScheduler> schedulers, int[] milestones) {
        if (schedulers.isEmpty()) throw new SparkTrainException("SequentialLR: needs at least one scheduler");
        for (int i = 0; i < schedulers.size(); i++) {
            if (schedulers.get(i).optimizer() != optimizer) {
                throw new SparkTrainException("SequentialLR: scheduler " + i + " belongs to another optimizer");
            }
        }
        if (milestones.length != schedulers.size() - 1) {
            throw new SparkTrainException("SequentialLR: expected " + (schedulers.size() - 1) + " milestones (one fewer than the "
                    + schedulers.size() + " schedulers), got " + milestones.length);
        }
        this.optimizer = optimizer;
        this.schedulers = List.copyOf(schedulers);
        this.milestones = milestones.clone();
        for (ParamGroup g : optimizer.paramGroups()) g.setLr(g.getDouble("initial_lr"));
        for (LRScheduler s : this.schedulers) s.rewind();
        this.schedulers.get(0).initialStep();
        lastLr = this.schedulers.get(0).lastLr();
    }

    @Override
    public Interval naturalInterval() {
        return Composites.intervalOf(schedulers);
    }

    @Override
    public void step(double metric) {
        lastEpoch++;
        int idx = ScheduleMath.bisectRight(milestones, lastEpoch);
        LRScheduler s = schedulers.get(idx);
        if (idx > 0 && milestones[idx - 1] == lastEpoch) s.stepTo(0);
        else s.step();
        lastLr = s.lastLr();
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
        m.put("scheduler", "SequentialLR");
        m.put("last_epoch", lastEpoch);
        m.put("last_lr", lastLr.clone());
        m.put("schedulers", Composites.states(schedulers));
        return m;
    }

    @Override
    public void loadState(Map<String, Object> m) {
        Composites.checkState("SequentialLR", m, schedulers);
        lastEpoch = ((Number) m.get("last_epoch")).intValue();
        lastLr = ((double[]) m.get("last_lr")).clone();
        Composites.loadStates(schedulers, m);
    }
}
