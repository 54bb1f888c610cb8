package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.optim.Optimizer;

import java.util.List;

/**
 * {@code torch.optim.lr_scheduler.ChainedScheduler}: every step steps all children in order, so
 * the recursive (chainable) schedulers multiply their factors. Construction changes nothing.
 */
public final class ChainedScheduler extends Composite<Scheduler> {

    public ChainedScheduler(Optimizer optimizer, List<? extends Scheduler> schedulers) {
        super("ChainedScheduler", optimizer, schedulers, (s, i) -> {
            if (s instanceof ReduceLROnPlateau) {
                throw new SparkTrainException("ChainedScheduler: scheduler " + i + " is ReduceLROnPlateau, which needs a "
                        + "metric; PyTorch's ChainedScheduler steps its children without one");
            }
        });
        lastLr = ScheduleMath.currentLrs(optimizer);
    }

    @Override
    public void step(double metric) {
        for (Scheduler s : schedulers) s.step();
        lastLr = ScheduleMath.currentLrs(optimizer);
    }
}
