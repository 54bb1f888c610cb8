package dev.sparktrain.train;

import dev.sparktrain.config.Options;
import dev.sparktrain.data.DenseBlock;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizers;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The loss options through the driver loop: reduction='sum' steps on the undivided gradient and
 * reports the plain batch sums; rows whose label is ignore_index train as if they were not there.
 */
class LossOptionsTrainingTest {

    private static List<EpochStats> train(Sequential model, Loss loss, PackedBlock[] blocks, int batch, double lr, double[] params) {
        var sgd = Optimizers.create("SGD", new Options("t", Map.of("lr", lr, "momentum", 0.5)), GroupSpec.all(params.length));
        return new Trainer(sgd, null, null, new TrainSettings(3, batch, false, 0, null))
                .fit(params, new LocalBackend(model, loss, blocks, null, batch));
    }

    private static Loss loss(String name, Map<String, Object> o, int outputs) {
        return Losses.create(name, new Options("t", o), outputs);
    }

    /**
     * Batches of 4 rows: the mean divides by 4 (a power of 2, exact), so SGD on the sum with lr/4
     * takes the mean's steps to the last bit, and the sum's epoch loss is 4 × the mean's.
     */
    @Test
    void sumIsTheMeanTimesTheBatchNormalizer() {
        PackedBlock[] classes = TinyData.blocks(8);
        PackedBlock[] real = {PackedBlock.dense(0, 8, 2, 1, ((DenseBlock.Float64) classes[0]).x(), Arrays.stream(classes[0].y()).map(v -> v * 0.7 - 0.4).toArray())};
        record Case(String model, String loss, PackedBlock[] data, int outputs) {
        }
        for (Case c : List.of(new Case("linear(2,3)", "CrossEntropyLoss", classes, 3),
                new Case("linear(2,4), tanh, linear(4,1)", "HuberLoss", real, 1),
                new Case("linear(2,4), relu, linear(4,1)", "L1Loss", real, 1))) {
            Sequential model = Sequential.parse(c.model, "test");
            double[] pm = model.initParams(3);
            double[] ps = pm.clone();
            List<EpochStats> mean = train(model, loss(c.loss, Map.of(), c.outputs), c.data, 4, 0.2, pm);
            List<EpochStats> sum = train(model, loss(c.loss, Map.of("reduction", "sum"), c.outputs), c.data, 4, 0.2 / 4, ps);
            assertArrayEquals(pm, ps, 0.0, c.loss);
            for (int e = 0; e < 3; e++) {
                assertEquals(4 * mean.get(e).trainLoss(), sum.get(e).trainLoss(), 0.0, c.loss + " epoch " + e);
                assertEquals(mean.get(e).trainAccuracy(), sum.get(e).trainAccuracy(), 0.0, c.loss);
            }
        }
    }

    /** Full batch: the ignored rows' zero gradient rows change the products' rounding at most. */
    @Test
    void ignoredRowsTrainAsDroppedRows() {
        PackedBlock all = TinyData.blocks(12)[0];
        double[] y = all.y().clone();
        int[] ignored = {1, 4, 5, 10};
        for (int r : ignored) y[r] = -100;
        double[] x = ((DenseBlock.Float64) all).x();
        double[] kx = new double[2 * 8];
        double[] ky = new double[8];
        for (int r = 0, k = 0; r < 12; r++) {
            if (y[r] == -100) continue;
            System.arraycopy(x, 2 * r, kx, 2 * k, 2);
            ky[k++] = y[r];
        }
        Sequential model = Sequential.parse("linear(2,4), tanh, linear(4,3)", "test");
        Loss ce = loss("CrossEntropyLoss", Map.of("ignore_index", -100, "label_smoothing", 0.1, "weight", List.of(1.0, 2.0, 0.5)), 3);
        double[] p = model.initParams(5);
        double[] pk = p.clone();
        List<EpochStats> h = train(model, ce, new PackedBlock[] {PackedBlock.dense(0, 12, 2, 1, x, y)}, 0, 0.3, p);
        List<EpochStats> hk = train(model, ce, new PackedBlock[] {PackedBlock.dense(0, 8, 2, 1, kx, ky)}, 0, 0.3, pk);
        assertArrayEquals(pk, p, 1e-14);
        for (int e = 0; e < 3; e++) {
            assertEquals(hk.get(e).trainLoss(), h.get(e).trainLoss(), 1e-14, "the batch's loss, whatever its row count");
            assertEquals(hk.get(e).trainAccuracy(), h.get(e).trainAccuracy(), 0.0, "accuracy over the 8 labelled rows");
        }
    }
}
