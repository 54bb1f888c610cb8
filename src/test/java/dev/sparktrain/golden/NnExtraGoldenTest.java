package dev.sparktrain.golden;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The extra PyTorch 1.13.1 loss and clip cases of {@code tools/golden/gen_nn_extra.py} in
 * {@code src/test/resources/golden-extra/} (other kinds there belong to other runners).
 */
class NnExtraGoldenTest {

    static Path dir() {
        return Path.of(System.getProperty("project.basedir", "."), "src", "test", "resources", "golden-extra");
    }

    @TestFactory
    Stream<DynamicTest> lossAndClipCases() {
        File[] fs = dir().toFile().listFiles((f, n) -> n.endsWith(".json") && !n.equals("index.json"));
        List<Path> files = fs == null ? List.of() : Arrays.stream(fs).map(File::toPath).sorted().toList();
        List<Map.Entry<Path, Map<String, Object>>> cases = files.stream()
                .map(f -> Map.entry(f, Golden.read(f)))
                .filter(e -> List.of("loss", "clip").contains(String.valueOf(e.getValue().get("kind"))))
                .toList();
        assertFalse(cases.isEmpty(), "no loss/clip cases in " + dir());
        return cases.stream().map(e -> DynamicTest.dynamicTest(e.getKey().getFileName().toString(), () -> {
            Map<String, Object> c = e.getValue();
            if ("loss".equals(c.get("kind"))) LossCases.run(c);
            else ClipCases.run(c);
        }));
    }
}
