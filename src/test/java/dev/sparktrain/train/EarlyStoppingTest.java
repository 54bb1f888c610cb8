package dev.sparktrain.train;

import dev.sparktrain.config.Options;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Early stopping through the plain-Java Trainer on a crafted plateau of validation figures. */
class EarlyStoppingTest {

    /** Gradient = params (so every step changes them); validation figures from a script, one per epoch. */
    private static final class ScriptedBackend implements StepBackend {
        private final double[] valLoss;
        private final double[] valAcc;
        private int epoch;

        ScriptedBackend(double[] valLoss, double[] valAcc) {
            this.valLoss = valLoss;
            this.valAcc = valAcc;
        }

        @Override
        public long trainRows() {
            return 8;
        }

        @Override
        public StepSums batchSums(double[] params, EpochOrder order, int epoch, int step, long from, long to) {
            double[] grad = new double[params.length];
            for (int i = 0; i < grad.length; i++) grad[i] = params[i] + 1;
            return new StepSums(grad, to - from, to - from, to - from, 0);
        }

        @Override
        public StepSums validationSums(double[] params) {
            StepSums s = new StepSums(new double[0], valLoss[epoch], 1, 100, 100 * valAcc[epoch]);
            epoch++;
            return s;
        }
    }

    private record Run(List<EpochStats> history, double[] params, List<double[]> paramsAfter, EarlyStopping es) {
    }

    private static Run run(EarlyStopping.Settings settings, double[] valLoss, double[] valAcc) {
        Optimizer opt = Optimizers.create("SGD", new Options("t", Map.of("lr", 0.1)), GroupSpec.all(3));
        EarlyStopping es = new EarlyStopping(settings);
        List<double[]> after = new ArrayList<>();
        double[] params = {1, 2, 3};
        List<EpochStats> h = new Trainer(opt, null, null, new TrainSettings(valLoss.length, 4, true, 1, null))
                .earlyStopping(es)
                .listen(new TrainListener() {
                    @Override
                    public void afterEpoch(EpochStats stats, double[] p) {
                        after.add(p.clone());
                    }
                })
                .fit(params, new ScriptedBackend(valLoss, valAcc));
        return new Run(h, params, after, es);
    }

    @Test
    void stopsAfterPatienceEpochsWithoutAnImprovementBiggerThanMinDeltaAndRestoresTheBest() {
        // best 0.5 at epoch 2; 0.4995 (epoch 4) is not better by more than min_delta 0.001; epoch 5 is the third miss
        double[] loss = {1.0, 0.5, 0.6, 0.4995, 0.7, 0.1, 0.05, 0.01};
        Run r = run(new EarlyStopping.Settings("val_loss", 3, 0.001, "min", true), loss, new double[8]);
        assertEquals(5, r.history().size(), "stops after epoch 5");
        assertTrue(r.es().stopped());
        assertEquals(2, r.es().bestEpoch());
        assertEquals(0.5, r.es().best());
        assertArrayEquals(r.paramsAfter().get(1), r.params(), 0.0, "weights of epoch 2 restored");
        assertFalse(java.util.Arrays.equals(r.paramsAfter().get(4), r.params()));
        // resumed from a checkpoint: stopped again with the same patience, carries on with more
        EarlyStopping same = new EarlyStopping(r.es().settings());
        same.loadState(r.es().state());
        assertTrue(same.stopped());
        EarlyStopping patient = new EarlyStopping(new EarlyStopping.Settings("val_loss", 5, 0.001, "min", true));
        patient.loadState(r.es().state());
        assertFalse(patient.stopped());
        assertEquals(3, patient.waited());
    }

    @Test
    void withoutRestoreTheLastWeightsStayAndMaxModeWatchesAccuracy() {
        double[] acc = {0.5, 0.8, 0.8, 0.79, 0.95, 0.96};
        Run r = run(new EarlyStopping.Settings("val_accuracy", 2, 0.0, "max", false), new double[] {1, 1, 1, 1, 1, 1}, acc);
        assertEquals(4, r.history().size(), "0.8 at epoch 3 ties (no improvement), 0.79 is the second miss");
        assertEquals(2, r.es().bestEpoch());
        assertArrayEquals(r.paramsAfter().get(3), r.params(), 0.0);
        assertNotEquals(r.paramsAfter().get(1)[0], r.params()[0]);
    }

    @Test
    void notTriggeredRunsEveryEpochAndStateSurvivesACheckpoint() {
        double[] loss = {3, 2, 1, 0.5};
        Run r = run(new EarlyStopping.Settings("val_loss", 1, 0, "min", true), loss, new double[4]);
        assertEquals(4, r.history().size());
        assertFalse(r.es().stopped());
        assertEquals(4, r.es().bestEpoch());
        EarlyStopping copy = new EarlyStopping(r.es().settings());
        copy.loadState(r.es().state());
        Map<String, Object> a = new java.util.HashMap<>(r.es().state());
        Map<String, Object> b = new java.util.HashMap<>(copy.state());
        a.remove("best_params");
        b.remove("best_params");
        assertEquals(a, b);
        assertArrayEquals(r.es().bestParams(), copy.bestParams(), 0.0);
    }
}
