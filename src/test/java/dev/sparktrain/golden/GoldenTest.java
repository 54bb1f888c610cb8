package dev.sparktrain.golden;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs every golden case in the golden folder through the plain-Java code. A kind or a name we
 * do not implement fails the case (the factories throw); only the documented exclusions skip.
 * The Spark trainer runs the {@code train} cases again in {@code SparkTrainerGoldenTest}.
 */
class GoldenTest {

    @TestFactory
    Stream<DynamicTest> everyGoldenCase() {
        return Golden.files().stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> run(f)));
    }

    /** Runs one case file through the runner of its kind (also used by ExtraGoldenTest). */
    static void run(Path file) {
        Map<String, Object> c = Golden.read(file);
        String excluded = Exclusions.reason(c);
        Assumptions.assumeTrue(excluded == null, excluded);
        String kind = String.valueOf(c.get("kind"));
        switch (kind) {
            case "optimizer" -> OptimizerCases.run(c);
            case "scheduler" -> SchedulerCases.run(c);
            case "clip" -> ClipCases.run(c);
            case "loss" -> LossCases.run(c);
            case "train" -> TrainCases.runLocal(c);
            case "layer" -> LayerCases.run(c);
            default -> fail(file + ": unknown golden kind '" + kind + "'");
        }
    }
}
