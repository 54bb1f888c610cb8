package dev.sparktrain.nn;

import dev.sparktrain.SparkTrainException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one layer parser: PyTorch spelling, today's lower-case syntax, placeholders and one-line refusals. */
class ModelSpecTest {

    private static String canonical(String spec) {
        return Sequential.parse(spec, "model").spec();
    }

    @Test
    void oldLowerCaseSyntaxIsTheSameModelInPyTorchSpelling() {
        assertEquals("Linear(64, 128), ReLU(), Linear(128, 10)", canonical("linear(64,128), relu, linear(128,10)"));
        assertEquals("Linear(4, 3), Tanh(), Linear(3, 2), Sigmoid()", canonical("linear(4,3),tanh,linear(3,2),sigmoid"));
        assertEquals(canonical("linear(64,128), relu, linear(128,10)"), canonical("Linear(64, 128), ReLU(), Linear(128, 10)"));
    }

    @Test
    void pastedPyTorchLinesParse() {
        assertEquals("Linear(64, 128, bias=False), GELU(approximate='tanh'), LayerNorm(128, elementwise_affine=False), "
                        + "Dropout(p=0.2), Linear(128, 10)",
                canonical("nn.Linear(64, 128, bias=False), nn.GELU(approximate='tanh'), "
                        + "nn.LayerNorm(128, eps=1e-5, elementwise_affine=False), nn.Dropout(p=0.2), "
                        + "torch.nn.Linear(in_features=128, out_features=10, bias=True)"));
        assertEquals("Linear(4, 8), LeakyReLU(negative_slope=0.1), LeakyReLU(negative_slope=0.2), LeakyReLU(), "
                        + "ELU(), ELU(alpha=0.5), Softplus(beta=2.0, threshold=10.0), SiLU(), Mish(), Hardswish(), Sigmoid(), "
                        + "Tanh(), Identity(), GELU(), LogSoftmax(dim=1)",
                canonical("Linear(4, 8), LeakyReLU(0.1), LeakyReLU(negative_slope=0.2), LeakyReLU(), ELU(), ELU(alpha=0.5), "
                        + "Softplus(2, 10), SiLU, Mish(), Hardswish(inplace=True), Sigmoid, Tanh(), Identity(), "
                        + "GELU(approximate=\"none\"), LogSoftmax(dim=-1)"));
        assertEquals("Linear(4, 8), Dropout(p=0.2), Dropout(p=0.3), LayerNorm(8, eps=0.001), LayerNorm(8)",
                canonical("LINEAR(4,8,), dropout(0.2), Dropout(p=0.3), layernorm((8,), 1e-3), LayerNorm([8], eps=1e-05)"));
    }

    @Test
    void canonicalSpellingParsesBackToItself() {
        String spec = "Linear(5, 9, bias=False), GELU(approximate='tanh'), LayerNorm(9, eps=0.01), Softplus(beta=0.5, threshold=3.0), "
                + "Dropout(p=0.25), ELU(alpha=2.0), Softplus(), Softplus(threshold=5.0), Softplus(beta=3.0), LeakyReLU(), "
                + "LeakyReLU(negative_slope=0.5), Linear(9, 3), LogSoftmax(dim=1)";
        assertEquals(spec, canonical(spec));
        assertEquals(spec, canonical(canonical(spec)));
    }

    @Test
    void tensorsAndBiasesComeFromTheLayers() {
        Sequential m = Sequential.parse("Linear(4, 8, bias=False), LayerNorm(8), GELU, Linear(8, 3), "
                + "LayerNorm(3, elementwise_affine=False)", "m");
        assertArrayEquals(new int[] {32, 8, 8, 24, 3}, m.tensorSizes());
        assertArrayEquals(new boolean[] {false, false, true, false, true}, m.biasTensors());
        assertEquals(32 + 16 + 27, m.paramCount());
        double[] p = m.initParams(7);
        for (int i = 32; i < 40; i++) assertEquals(1.0, p[i]); // LayerNorm: weight ones, bias zeros
        for (int i = 40; i < 48; i++) assertEquals(0.0, p[i]);
        assertArrayEquals(new boolean[] {false, true}, Sequential.parse("linear(4,3)", "m").biasTensors());
    }

    @Test
    void everyRegisteredLayerIsInTheHelpList() {
        assertEquals(Layers.names().size(), ModelSpec.LAYERS.size());
        assertTrue(ModelSpec.LAYERS.contains("Linear(in_features, out_features, bias=True)"), ModelSpec.LAYERS.toString());
        assertTrue(ModelSpec.LAYERS.contains("LayerNorm(normalized_shape, eps=1.0e-5, elementwise_affine=True)"));
        assertTrue(ModelSpec.LAYERS.contains("GELU(approximate='none')"));
        assertTrue(ModelSpec.LAYERS.contains("LogSoftmax(dim=1)"));
    }

    @Test
    void placeholdersForTheSparkMlParam() {
        ModelSpec s = ModelSpec.withPlaceholders("Linear(*, 16), GELU, LayerNorm(16), Dropout(0.1), Linear(16, *), LogSoftmax", "layers");
        assertTrue(s.outputsOpen());
        assertEquals("Linear(5, 16), GELU(), LayerNorm(16), Dropout(p=0.1), Linear(16, 3), LogSoftmax(dim=1)", s.build(5, 3).spec());
        assertEquals("Linear(7, 2)", ModelSpec.withPlaceholders("linear(*,*)", "layers").build(7, 2).spec());
        assertEquals("Linear(7, 2, bias=False)", ModelSpec.withPlaceholders("Linear(in_features=*, out_features=2, bias=False)", "l")
                .build(7, 9).spec());
        assertFalse(ModelSpec.withPlaceholders("Linear(*, 4), ReLU, Linear(4, 2)", "layers").outputsOpen());
    }

    @Test
    void refusalsAreOneLineNamingTheLayerAndWhatWasExpected() {
        refused("Linear(4, 8), Gelu2", "model: unknown layer 'Gelu2'; allowed: Linear, ReLU", "did you mean GELU?");
        refused("linear(64,16), relux, linear(16,10)", "unknown layer 'relux'", "did you mean ReLU?");
        refused("Linear(4, 8), ReLU(foo=1)", "model: 'ReLU(foo=1)': 'foo': unknown option");
        refused("Linear(4, 8), LeakyReLU(negative_slop=0.2)", "'negative_slop': unknown option", "did you mean negative_slope?");
        refused("Linear(4, 8), GELU(approximate='fast')", "'GELU(approximate='fast')': 'approximate': expected one of none, tanh");
        refused("Linear(4, 8), LeakyReLU(abc)", "'negative_slope': expected a number, got 'abc'");
        refused("Linear(4, 8), LayerNorm(16)", "'LayerNorm(16)': 'normalized_shape': expected the width of the layer before it, 8, got 16");
        refused("Linear(4, 8), LayerNorm((8, 2))", "expected one size");
        refused("Linear(4, 8), LayerNorm(8, eps=-1)", "'eps': expected a finite number >= 0");
        refused("Linear(4, 8), LayerNorm()", "'normalized_shape': required but missing");
        refused("ReLU, Linear(4, 8)", "'ReLU': no layer before it gives it a width");
        refused("LayerNorm(4)", "'LayerNorm(4)': no layer before it gives it a width");
        refused("Linear(4, 8), Dropout(1.5)", "'p': expected a probability in [0, 1], got 1.5");
        refused("Linear(4, 8, True, 3)", "'Linear(4, 8, True, 3)': takes at most 3 positional values (in_features, out_features, bias), got 4");
        refused("Linear(4, 8), ReLU(1)", "takes at most 0 positional values");
        refused("Linear(in_features=4, 8)", "a positional value after keyword ones: '8'");
        refused("Linear(4, 8, in_features=4)", "'in_features' given twice");
        refused("Linear(4, 0)", "'out_features': sizes must be between 1 and 2147483647, got 0");
        refused("Linear(4, 8, bias=maybe)", "'bias': expected true or false, got 'maybe'");
        refused("Linear(4, 8), ReLU(inplace=2)", "'inplace': expected true or false");
        refused("Linear(4)", "'out_features': required but missing");
        refused("Linear(*, 8)", "'*' sizes are only for the Spark ML layers param");
        refused("Linear(4, 8), LogSoftmax(dim=0)", "'dim': expected 1");
        refused("Linear(4, 8), Softplus(beta=0)", "'beta': expected a finite non-zero number");
        refused("Linear(4,8", "unknown layer 'Linear(4,8': expected Name or Name(option=value, ...), e.g. Linear(64, 128), ReLU or Dropout(p=0.1)");
        refused("Linear(4, 8) x", "expected Name or Name(option=value, ...)");
        refused("Linear(4, 8), Linear(9, 2)", "model: layer 2 (Linear(9, 2)) takes 9 features but layer 1 gives 8");
        refused("Linear(4, 8, )x", "expected Name or Name(option=value, ...)");
        refused("Linear(4, , 8)", "an empty value");
        refused("Linear(100000, 100000)", "has 10000100000 parameters; at most");
    }

    @Test
    void placeholderRefusals() {
        SparkTrainException e = assertThrows(SparkTrainException.class,
                () -> ModelSpec.withPlaceholders("Linear(*, 8), Linear(*, 2)", "layers").build(4, 2));
        assertEquals("layers: 'Linear(*, 2)': '*' only as the first Linear's in_features (the feature count) or the last "
                + "Linear's out_features (the outputs the label needs)", e.getMessage());
        assertThrows(SparkTrainException.class, () -> ModelSpec.withPlaceholders("Linear(4, 8), LayerNorm(*)", "layers").build(4, 2));
    }

    @Test
    void everyLayerNameIsFoundWhateverItsCase() {
        for (String n : Layers.names()) {
            assertEquals(n, Layers.find(n.toLowerCase()).name());
            assertEquals(n, Layers.find(n.toUpperCase()).name());
        }
        assertEquals(new TreeSet<>(List.of("Dropout", "ELU", "GELU", "Hardswish", "Identity", "LayerNorm", "LeakyReLU", "Linear",
                "LogSoftmax", "Mish", "ReLU", "SiLU", "Sigmoid", "Softplus", "Tanh")), new TreeSet<>(Layers.names()));
    }

    private static void refused(String spec, String... parts) {
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> Sequential.parse(spec, "model"), spec);
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' lacks '" + p + "'");
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().startsWith("model"), e.getMessage());
    }
}
