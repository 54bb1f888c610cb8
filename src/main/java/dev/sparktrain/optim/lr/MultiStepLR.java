package dev.sparktrain.optim.lr;

import dev.sparktrain.optim.Optimizer;

import java.util.Arrays;
import java.util.List;

/**
 * {@code torch.optim.lr_scheduler.MultiStepLR}: lr × gamma at each milestone. Milestones are a
 * multiset, as PyTorch's Counter: a milestone listed k times applies gamma^k at that epoch.
 */
public final class MultiStepLR extends LRScheduler {
    private final int[] sortedMilestones;
    private final double gamma;

    /** {@code milestones} (epochs, any order, repeats count) and {@code gamma} (default 0.1). */
    public record Settings(List<Integer> milestones, double gamma) {
        public Settings {
            milestones = List.copyOf(milestones);
        }
    }

    public MultiStepLR(Optimizer optimizer, Settings s) {
        super(optimizer);
        sortedMilestones = ScheduleMath.ints(s.milestones());
        Arrays.sort(sortedMilestones);
        gamma = s.gamma();
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
        return baseScaled(Math.pow(gamma, ScheduleMath.bisectRight(sortedMilestones, lastEpoch)));
    }
}
