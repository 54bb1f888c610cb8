package dev.sparktrain.golden;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Cases beyond the shared set, generated from real PyTorch 1.13 by the scripts in
 * {@code tools/golden/} into {@code src/test/resources/golden-extra} (or {@code -Dgolden.extra.dir}):
 * maximize, weight-decay combinations, param groups, more schedulers, losses and clipping. Every
 * kind goes through the same runners as {@link GoldenTest}.
 */
class ExtraGoldenTest {

    static Path dir() {
        return Golden.extraDir();
    }

    @TestFactory
    Stream<DynamicTest> everyExtraCase() {
        return Golden.files(dir()).stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> GoldenTest.run(f)));
    }
}
