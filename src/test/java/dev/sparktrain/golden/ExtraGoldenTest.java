package dev.sparktrain.golden;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Optimizer cases beyond the shared set, generated from PyTorch 1.13 by
 * {@code tools/golden/gen_optim_extra.py} into {@code src/test/resources/golden-extra}
 * (or {@code -Dgolden.extra.dir}): maximize, weight decay combinations, several param groups.
 */
class ExtraGoldenTest {

    static Path dir() {
        String d = System.getProperty("golden.extra.dir");
        if (d != null && !d.isBlank()) return Path.of(d);
        return Path.of(System.getProperty("project.basedir", "."), "src", "test", "resources", "golden-extra");
    }

    @TestFactory
    Stream<DynamicTest> everyExtraOptimizerCase() {
        return Golden.files(dir()).stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
    }

    private static void run(Path file) {
        Map<String, Object> c = Golden.read(file);
        if (!"optimizer".equals(c.get("kind"))) fail(file + ": only optimizer cases belong here, got '" + c.get("kind") + "'");
        String excluded = Exclusions.reason(c);
        Assumptions.assumeTrue(excluded == null, excluded);
        OptimizerCases.run(c);
    }
}
