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
 * Scheduler cases beyond the shared set, generated from PyTorch 1.13 by
 * {@code tools/golden/gen_sched_extra.py} into {@code src/test/resources/golden-extra} (or
 * {@code -Dgolden.extra.dir}). Only files of kind "scheduler" run here; the folder also holds
 * other engineers' optimizer cases.
 */
class SchedulerExtraGoldenTest {

    static Path dir() {
        String d = System.getProperty("golden.extra.dir");
        if (d != null && !d.isBlank()) return Path.of(d);
        return Path.of(System.getProperty("project.basedir", "."), "src", "test", "resources", "golden-extra");
    }

    @TestFactory
    Stream<DynamicTest> everyExtraSchedulerCase() {
        File[] fs = dir().toFile().listFiles((f, n) -> n.endsWith(".json") && !n.equals("index.json"));
        List<Path> schedulerCases = fs == null ? List.of() : Arrays.stream(fs).map(File::toPath).sorted()
                .filter(f -> "scheduler".equals(Golden.read(f).get("kind"))).toList();
        assertFalse(schedulerCases.isEmpty(), "no scheduler cases in " + dir());
        return schedulerCases.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
    }

    private static void run(Path file) {
        Map<String, Object> c = Golden.read(file);
        SchedulerCases.run(c);
    }
}
