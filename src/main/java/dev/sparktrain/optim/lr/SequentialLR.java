package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.ParamGroup;

import java.util.List;
import java.util.Map;

/**
 * {@code torch.optim.lr_scheduler.SequentialLR}: child i runs from milestone i-1 to milestone i.
 * Construction resets the lr to initial_lr, rewinds every child's constructor step and restarts
 * the first; at a milestone the next child is stepped to epoch 0 with its closed form (so it
 * starts from its base lr, not from where the previous child left the lr).
 */
public final class SequentialLR extends Composite<LRScheduler> {
    private final int[] milestones;
    private int lastEpoch;

    public SequentialLR(Optimizer optimizer, List<LRScheduler> schedulers, int[] milestones) {
        super("SequentialLR", optimizer, schedulers, (s, i) -> { });
        if (milestones.length != schedulers.size() - 1) {
            throw new SparkTrainException("SequentialLR: expected " + (schedulers.size() - 1) + " milestones (one fewer than the "
                    + schedulers.size() + " schedulers), got " + milestones.length);
        }
        this.milestones = milestones.clone();
        for (ParamGroup g : optimizer.paramGroups()) g.setLr(g.getDouble("initial_lr"));
        for (LRScheduler s : this.schedulers) s.rewind();
        this.schedulers.get(0).initialStep();
        lastLr = this.schedulers.get(0).lastLr();
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

    @Override
    protected void saveExtra(Map<String, Object> m) {
        m.put("last_epoch", lastEpoch);
    }

    @Override
    protected void loadExtra(Map<String, Object> m) {
        lastEpoch = ((Number) m.get("last_epoch")).intValue();
    }
}
