package dev.sparktrain.optim.clip;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GradientClippersTest {
    private static final int[] SIZES = {3, 2};

    private static Options opts(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return new Options("job.clip", m);
    }

    private static String refused(Options o) {
        return assertThrows(SparkTrainException.class, () -> GradientClippers.create(o, SIZES)).getMessage();
    }

    @Test
    void badOptionsRefused() {
        assertTrue(refused(opts("max_norm", -1.0)).contains("'max_norm': must be > 0 (0 turns clipping off), got -1.0"));
        assertTrue(refused(opts("max_norm", 1.0, "norm_type", 0)).contains("'norm_type': must be a number > 0 or 'inf'"));
        assertTrue(refused(opts("max_norm", 1.0, "norm_type", -2)).contains("norm_type"));
        assertTrue(refused(opts("max_norm", 1.0, "norm_type", "-inf")).contains("norm_type"));
        assertTrue(refused(opts("max_norm", 1.0, "norm_type", "two")).contains("expected a number"));
        assertTrue(refused(opts("clip_value", -0.5)).contains("'clip_value': must be > 0"));
        assertTrue(refused(opts("clip_value", 1.0, "max_norm", 1.0)).contains("not allowed with clip_value"));
        assertTrue(refused(opts("norm_type", 2)).contains("'max_norm': required"));
        assertTrue(refused(opts("max_norm", 1, "clip", 1)).contains("allowed: clip_value, error_if_nonfinite, max_norm, norm_type"));
        assertThrows(SparkTrainException.class, () -> new ClipGradNorm(1, 2, false, new int[]{-1}));
    }

    /** No options, or a 0 (as the Spark ML params use), is no clipping; a misspelt key is still refused. */
    @Test
    void zeroOrNothingIsNoClipping() {
        assertNull(GradientClippers.create(opts(), SIZES));
        assertNull(GradientClippers.create(opts("max_norm", 0), SIZES));
        assertNull(GradientClippers.create(opts("max_norm", "0", "norm_type", "inf"), SIZES));
        assertNull(GradientClippers.create(opts("clip_value", 0.0), SIZES));
        assertInstanceOf(ClipGradValue.class, GradientClippers.create(opts("max_norm", 0, "clip_value", 0.5), SIZES));
        assertInstanceOf(ClipGradNorm.class, GradientClippers.create(opts("max_norm", 2, "clip_value", 0), SIZES));
        assertTrue(refused(opts("max_norm", 0, "clip_value", 0.5, "norm_type", 1)).contains("'norm_type': not allowed with clip_value"));
        assertTrue(refused(opts("max_nrom", 1)).contains("unknown option"));
        assertTrue(refused(opts("max_norm", 0, "clip", 1)).contains("unknown option"));
    }

    @Test
    void factoryReadsInfAndDefaults() {
        ClipGradNorm c = assertInstanceOf(ClipGradNorm.class, GradientClippers.create(opts("max_norm", 1, "norm_type", "inf"), SIZES));
        assertEquals(Double.POSITIVE_INFINITY, c.normType());
        assertEquals(2.0, assertInstanceOf(ClipGradNorm.class, GradientClippers.create(opts("max_norm", "0.5"), SIZES)).normType());
        assertInstanceOf(ClipGradValue.class, GradientClippers.create(opts("clip_value", 0.1), SIZES));
    }

    @Test
    void gradientLengthMustMatchTensorSizes() {
        GradientClipper c = GradientClippers.create(opts("max_norm", 1), SIZES);
        String m = assertThrows(SparkTrainException.class, () -> c.clip(new double[4])).getMessage();
        assertTrue(m.contains("add up to 5") && m.contains("4 values"), m);
    }

    @Test
    void normIsNormOfPerTensorNorms() {
        // p = 1: both ways give the L1 norm; p = inf: max; p = 0.5: (Σ_t (Σ |g|^.5)^2)^.5 ≠ flat norm.
        double[] g = {1, -4, 0, 9, 0};
        assertEquals(14.0, new ClipGradNorm(100, 1, false, SIZES).totalNorm(g));
        assertEquals(9.0, new ClipGradNorm(100, Double.POSITIVE_INFINITY, false, SIZES).totalNorm(g));
        assertEquals(Math.pow(Math.sqrt(9) + Math.sqrt(9), 2), new ClipGradNorm(100, 0.5, false, SIZES).totalNorm(g), 1e-12);
        // Clipping scales by max_norm / (total + 1e-6) and returns the pre-clip total.
        double[] h = {3, 0, 0, 4, 0};
        assertEquals(5.0, new ClipGradNorm(1, 2, false, SIZES).clip(h));
        double coef = 1 / (5 + 1e-6);
        assertArrayEquals(new double[]{3 * coef, 0, 0, 4 * coef, 0}, h);
    }

    @Test
    void zeroAndEmptyGradients() {
        double[] z = new double[5];
        assertEquals(0.0, new ClipGradNorm(1, 2, false, SIZES).clip(z));
        assertEquals(0.0, new ClipGradNorm(1, Double.POSITIVE_INFINITY, false, new int[]{0, 5}).clip(z));
        assertArrayEquals(new double[5], z);
        assertEquals(0.0, new ClipGradNorm(1, 2, false, new int[0]).clip(new double[0]));
    }

    @Test
    void overflowingSumStillGivesTheNorm() {
        // PyTorch's plain sum of squares would overflow to inf here and zero the gradient.
        double[] g = {3e200, 4e200, 0, 0, 0};
        assertEquals(5e200, new ClipGradNorm(1, 2, false, SIZES).clip(g), 1e188);
        assertEquals(0.6, g[0], 1e-12);
        assertEquals(5e-200, new ClipGradNorm(1, 2, false, SIZES).totalNorm(new double[]{3e-200, 4e-200, 0, 0, 0}), 1e-212);
    }

    @Test
    void nonFiniteNorm() {
        double[] g = {Double.NaN, 1, 0, 0, 0};
        assertTrue(Double.isNaN(new ClipGradNorm(1, 2, false, SIZES).clip(g)));
        assertTrue(Double.isNaN(g[1]), "NaN total poisons the gradient, as in PyTorch");
        GradientClipper strict = GradientClippers.create(opts("max_norm", 1, "error_if_nonfinite", true), SIZES);
        assertThrows(SparkTrainException.class, () -> strict.clip(new double[]{Double.POSITIVE_INFINITY, 0, 0, 0, 0}));
    }

    @Test
    void valueClipClampsAndReturnsTwoNorm() {
        double[] g = {3, -4, 0.5, Double.NaN, -0.25};
        double[] h = {3, -4, 0.5, 0, -0.25};
        assertEquals(Math.sqrt(9 + 16 + 0.25 + 0.0625), new ClipGradValue(1, new int[] {h.length}).clip(h), 1e-15);
        assertArrayEquals(new double[]{1, -1, 0.5, 0, -0.25}, h);
        new ClipGradValue(1, new int[] {g.length}).clip(g);
        assertTrue(Double.isNaN(g[3]));
    }
}
