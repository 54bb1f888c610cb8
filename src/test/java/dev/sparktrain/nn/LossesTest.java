package dev.sparktrain.nn;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossesTest {

    private static Options opts(Object... kv) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return new Options("job.loss", m);
    }

    private static String refused(String name, Options o, int outputs) {
        return assertThrows(SparkTrainException.class, () -> Losses.create(name, o, outputs)).getMessage();
    }

    @Test
    void namesAreCaseInsensitiveAndUnknownListsAllowed() {
        assertEquals("CrossEntropyLoss", Losses.create("crossentropyloss", opts(), 3).name());
        assertEquals("MSELoss", Losses.create("MSELOSS", opts(), 1).name());
        assertEquals("HuberLoss", Losses.create("huberloss", opts(), 1).name());
        String m = refused("KLDivLoss", opts(), 3);
        assertTrue(m.contains("KLDivLoss") && m.contains("CrossEntropyLoss, MSELoss, BCEWithLogitsLoss, NLLLoss, L1Loss, "
                + "SmoothL1Loss, HuberLoss"), m);
    }

    @Test
    void badOptionsRefused() {
        assertTrue(refused("CrossEntropyLoss", opts("label_smoothing", -0.1), 3).contains("'label_smoothing': must be in [0, 1]"));
        assertTrue(refused("CrossEntropyLoss", opts("label_smoothing", 1.5), 3).contains("label_smoothing"));
        assertTrue(refused("CrossEntropyLoss", opts("weight", List.of(1.0, 2.0)), 3).contains("expected 3 values (one per class), got 2"));
        assertTrue(refused("CrossEntropyLoss", opts("weight", List.of(1.0, -2.0, 1.0)), 3).contains("'weight': value 1 must be finite and >= 0"));
        assertTrue(refused("CrossEntropyLoss", opts("ignore", -100), 3).contains("allowed: ignore_index, label_smoothing, reduction, weight"));
        assertTrue(refused("CrossEntropyLoss", opts("ignore_index", 1.5), 3).contains("'ignore_index'"));
        assertTrue(refused("CrossEntropyLoss", opts("reduction", "none"), 3).contains("'reduction': expected one of mean, sum, got 'none'"));
        assertTrue(refused("L1Loss", opts("reduction", "avg"), 1).contains("'reduction'"));
        assertTrue(refused("SmoothL1Loss", opts("beta", -0.5), 1).contains("'beta': must be finite and >= 0, got -0.5"));
        assertTrue(refused("HuberLoss", opts("delta", 0.0), 1).contains("'delta': must be finite and > 0, got 0.0"));
        assertTrue(refused("HuberLoss", opts("beta", 1.0), 1).contains("unknown option"));
        assertTrue(refused("NLLLoss", opts("label_smoothing", 0.1), 3).contains("unknown option"));
        assertTrue(refused("NLLLoss", opts("weight", List.of(1.0)), 3).contains("expected 3 values (one per class), got 1"));
        assertTrue(refused("BCEWithLogitsLoss", opts("pos_weight", List.of(1.0)), 2).contains("expected 2 values (one per output column), got 1"));
        assertTrue(refused("BCEWithLogitsLoss", opts("weight", "1 2 3"), 2).contains("'weight'"));
        assertTrue(refused("MSELoss", opts("weight", List.of(1.0)), 1).contains("unknown option"));
        assertTrue(refused("MSELoss", opts(), 0).contains("at least 1 output"));
    }

    @Test
    void classIndexOutOfRangeNamesTheRow() {
        Loss ce = Losses.create("CrossEntropyLoss", opts(), 3);
        double[] out = new double[6];
        for (double bad : new double[]{3, -1, 1.5, Double.NaN}) {
            double[] y = {0, bad};
            String m = assertThrows(SparkTrainException.class, () -> ce.sumAndGradient(out, 2, 3, y, 0, new double[6])).getMessage();
            assertTrue(m.contains("row 1") && m.contains(String.valueOf(bad)) && m.contains("[0, 3)"), m);
            assertThrows(SparkTrainException.class, () -> ce.normalizer(2, 3, y, 0));
        }
        // A model with a different number of outputs than the loss was built for.
        assertThrows(SparkTrainException.class, () -> ce.sum(new double[8], 2, 4, new double[]{0, 1}, 0));
    }

    @Test
    void weightedNormalizerIsSumOfTargetWeights() {
        Loss ce = Losses.create("CrossEntropyLoss", opts("weight", List.of(0.5, 2, 4)), 3);
        assertEquals(0.5 + 4 + 4, ce.normalizer(3, 3, new double[]{9, 0, 2, 2}, 1));
        Loss bce = Losses.create("BCEWithLogitsLoss", opts("weight", List.of(0.5, 2)), 2);
        assertEquals(6.0, bce.normalizer(3, 2, new double[6], 0));
    }

    @Test
    void extremeLogitsStayFinite() {
        Loss bce = Losses.create("BCEWithLogitsLoss", opts("pos_weight", List.of(3.0)), 1);
        double[] g = new double[4];
        double s = bce.sumAndGradient(new double[]{800, -800, 800, -800}, 4, 1, new double[]{0, 1, 1, 0}, 0, g);
        assertEquals(800 + 3 * 800, s, 1e-9);
        assertEquals(1.0, g[0]);
        assertEquals(-3.0, g[1]);
        assertEquals(0.0, g[2], 1e-300);
        assertEquals(0.0, g[3], 1e-300);
        Loss ce = Losses.create("CrossEntropyLoss", opts("label_smoothing", 0.1), 2);
        double[] gc = new double[2];
        double sc = ce.sumAndGradient(new double[]{1000, -1000}, 1, 2, new double[]{1}, 0, gc);
        assertEquals(0.9 * 2000 + 0.05 * 2000, sc, 1e-9);
        assertEquals(0.95, gc[0], 1e-15);
        assertEquals(-0.95, gc[1], 1e-15);
    }
}
