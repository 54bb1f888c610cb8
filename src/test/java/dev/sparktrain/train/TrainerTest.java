package dev.sparktrain.train;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.data.DenseBlock;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver loop on the local backend: bookkeeping and divergence handling. */
class TrainerTest {
    private static final Sequential MODEL = Sequential.parse("linear(2,3)", "test");

    private static Optimizer sgd(double lr) {
        return Optimizers.create("SGD", new Options("t", Map.of("lr", lr)), GroupSpec.all(MODEL.paramCount()));
    }

    @Test
    void countsStepsAndReportsOneLinePerEpoch() {
        Loss loss = Losses.create("CrossEntropyLoss", Options.empty("l"), 3);
        double[] p = MODEL.initParams(1);
        List<EpochStats> h = new Trainer(sgd(0.1), null, null, new TrainSettings(3, 4, true, 7, null))
                .fit(p, new LocalBackend(MODEL, loss, TinyData.blocks(10), null, 0));
        assertEquals(3, h.size());
        assertEquals(9, h.get(2).steps(), "ceil(10/4) = 3 steps per epoch");
        assertTrue(h.get(2).trainLoss() < h.get(0).trainLoss(), "loss decreases on a learnable problem");
    }

    @Test
    void divergenceStopsWithEpochAndStep() {
        Loss loss = Losses.create("MSELoss", Options.empty("l"), 3);
        PackedBlock[] blocks = TinyData.blocks(8);
        double[] y = new double[8 * 3];
        java.util.Arrays.fill(y, 1e200);
        PackedBlock b = PackedBlock.dense(0, 8, 2, 3, ((DenseBlock.Float64) blocks[0]).x(), y);
        double[] p = MODEL.initParams(1);
        SparkTrainException e = assertThrows(SparkTrainException.class, () ->
                new Trainer(sgd(1.0), null, null, new TrainSettings(2, 4, false, 0, null))
                        .fit(p, new LocalBackend(MODEL, loss, new PackedBlock[] {b}, null, 0)));
        assertTrue(e.getMessage().startsWith("epoch 1 step 1: the loss is Infinity"), e.getMessage());
    }
}
