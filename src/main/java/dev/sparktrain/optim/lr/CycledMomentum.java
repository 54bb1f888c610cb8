package dev.sparktrain.optim.lr;

import java.util.List;

/**
 * The momentum range CyclicLR and OneCycleLR move the optimizer's momentum (or betas[0]) through,
 * inversely to the lr: one base and one max value per param group.
 */
public record CycledMomentum(List<Double> base, List<Double> max) {
    public CycledMomentum {
        base = List.copyOf(base);
        max = List.copyOf(max);
    }
}
