package dev.sparktrain.ml;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Spark ML {@code layers} param goes through the job file's parser, placeholders and all. */
class LayerSpecTest {

    @Test
    void newLayersAndOldSyntaxWithPlaceholders() {
        assertEquals("Linear(10, 32), GELU(approximate='tanh'), LayerNorm(32), Dropout(p=0.1), Linear(32, 4), LogSoftmax(dim=1)",
                LayerSpec.resolve("nn.Linear(*, 32), nn.GELU(approximate='tanh'), nn.LayerNorm(32), nn.Dropout(0.1), "
                        + "nn.Linear(32, *), nn.LogSoftmax(dim=1)", 10, 4).spec());
        assertEquals("Linear(10, 8), ReLU(), Linear(8, 1)", LayerSpec.resolve("linear(*,8), relu, linear(8,*)", 10, 1).spec());
        assertTrue(LayerSpec.outputsOpen("Linear(*, 8), SiLU, Linear(8, *, bias=False)"));
        assertFalse(LayerSpec.outputsOpen("Linear(*, 8), SiLU, Linear(8, 2)"));
        LayerSpec.check("Linear(*, 8), Mish(), Hardswish, ELU(0.5), Softplus(2, 5), LeakyReLU(0.1), Identity, Linear(8, *)");
    }

    @Test
    void refusalsAreIllegalArgumentsWithoutTheParamPrefix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LayerSpec.check("Linear(*, 8), LayerNorm(16), Linear(8, *)"));
        assertEquals("'LayerNorm(16)': 'normalized_shape': expected the width of the layer before it, 8, got 16", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LayerSpec.check("Linear(*, 8), Swish, Linear(8, *)"));
        assertTrue(e.getMessage().startsWith("unknown layer 'Swish'; allowed: Linear, ReLU"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SparkTrainClassifier().setLayers("Linear(*, 8), GELU(approximate=1)"));
    }
}
