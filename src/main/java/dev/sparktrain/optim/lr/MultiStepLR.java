package dev.sparktrain.optim.lr;

import dev.sparktrain.config.Options;
import dev.sparktrain.optim.Optimizer;

import java.util.Arrays;

/**
 * {@code torch.optim.lr_scheduler.MultiStepLR}: lr × gamma at each milestone. Milestones are a
 * multiset, as PyTorch's Counter: a milestone listed k times applies gamma^k at that epoch.
 */
public final class MultiStepLR extends LRScheduler {
    private final int[] sortedMilestones;
    private final double gamma;

    public MultiStepLR(Optimizer optimizer, Options o) {
        super(optimizer);
        SchedulerArgs.allow(o, "milestones", "gamma");
        if (!SchedulerArgs.present(o, "milestones")) throw o.error("milestones", "required but missing");
        sortedMilestones = o.getInts("milestones", null);
        Arrays.sort(sortedMilestones);
        gamma = o.getDouble("gamma", 0.1);
        initialStep();
    }

    @Override
    protected double[] computeLr() {
        int count = 0;
        for (int m : sortedMilestones) if (m == lastEpoch) count++;
        return count == 0 ? unchanged() : scaled(Math.pow(gamma, count));
    }

    @Override
    protected double[] closedFormLr() {
        return baseScaled(Math.pow(gamma, SchedulerArgs.bisectRight(sortedMilestones, lastEpoch)));
    }
}
