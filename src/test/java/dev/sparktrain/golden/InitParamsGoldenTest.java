package dev.sparktrain.golden;

import dev.sparktrain.nn.Precision;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Train cases with an {@code init_seed} start from sparktrain's own {@code initParams(init_seed)},
 * reimplemented by the generators: so our init (Linear with and without bias, LayerNorm's ones and
 * zeros) is checked bit for bit against what the case was trained from. A float32 case
 * ({@code "dtype": "float32"}) starts from that init rounded to float, as PyTorch's float32 model holds it.
 */
class InitParamsGoldenTest {

    @TestFactory
    Stream<DynamicTest> params0IsOurInitOfTheSeed() {
        return Golden.files(ExtraGoldenTest.dir()).stream().map(Golden::read)
                .filter(c -> "train".equals(c.get("kind")) && c.get("init_seed") != null)
                .map(c -> DynamicTest.dynamicTest(String.valueOf(c.get("id")), () -> check(c)));
    }

    private static void check(Map<String, Object> c) {
        TrainCase t = new TrainCase(c);
        long seed = ((Number) c.get("init_seed")).longValue();
        double[] init = t.model.initParams(seed);
        if (t.recorded == Precision.FLOAT32) for (int i = 0; i < init.length; i++) init[i] = (float) init[i];
        assertArrayEquals(Golden.doubles(c.get("params0")), init, 0.0, t.id + ": params0");
    }
}
