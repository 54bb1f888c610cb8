package dev.sparktrain.bench;

import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.TrainListener;

import java.util.function.Consumer;

/** A listener that reads each epoch's statistics only: a sharded run never fetches the parameters for it. */
final class StatsOnly implements TrainListener {
    private final Consumer<EpochStats> afterEpoch;

    private StatsOnly(Consumer<EpochStats> afterEpoch) {
        this.afterEpoch = afterEpoch;
    }

    static TrainListener afterEachEpoch(Consumer<EpochStats> f) {
        return new StatsOnly(f);
    }

    @Override
    public boolean needsParams(EpochStats st) {
        return false;
    }

    @Override
    public void afterEpoch(EpochStats st, double[] params) {
        afterEpoch.accept(st);
    }
}
