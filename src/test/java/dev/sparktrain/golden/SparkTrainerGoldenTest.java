package dev.sparktrain.golden;

import dev.sparktrain.spark.load.Blocks;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.train.SparkTestContext;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Map;
import java.util.stream.Stream;

/** Every golden {@code train} case through the Spark backend in local mode, 1 and 3 partitions. */
class SparkTrainerGoldenTest {

    @TestFactory
    Stream<DynamicTest> trainCasesThroughSpark() {
        return Golden.files().stream()
                .map(Golden::read)
                .filter(c -> "train".equals(c.get("kind")))
                .flatMap(c -> Stream.of(1, 3).map(p -> DynamicTest.dynamicTest(c.get("id") + " partitions=" + p, () -> run(c, p))));
    }

    private static void run(Map<String, Object> c, int partitions) {
        TrainCase tc = new TrainCase(c);
        JavaRDD<PackedBlock> blocks = Blocks.fromArrays(SparkTestContext.get(), tc.x, tc.y, tc.features, 1, partitions);
        try (SparkBackend backend = new SparkBackend(SparkTestContext.get(), blocks, null, tc.model, tc.loss, 0)) {
            tc.runAndCheck(backend, "spark, " + partitions + " partitions");
        } finally {
            blocks.unpersist(false);
        }
    }
}
