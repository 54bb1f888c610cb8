package dev.sparktrain.golden;

import dev.sparktrain.spark.load.Blocks;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.train.SparkTestContext;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Map;
import java.util.stream.Stream;

/**
 * Every golden {@code train} case (the shared set and the extra one, where the weighted cases are)
 * through the Spark backend in local mode, 1 and 3 partitions.
 */
class SparkTrainerGoldenTest {

    @TestFactory
    Stream<DynamicTest> trainCasesThroughSpark() {
        return Stream.concat(Golden.files().stream(), Golden.files(ExtraGoldenTest.dir()).stream())
                .map(Golden::read)
                .filter(c -> "train".equals(c.get("kind")))
                .flatMap(c -> Stream.of(1, 3).map(p -> DynamicTest.dynamicTest(c.get("id") + " partitions=" + p, () -> run(c, p))));
    }

    private static void run(Map<String, Object> c, int partitions) {
        String excluded = Exclusions.reason(c);
        Assumptions.assumeTrue(excluded == null, excluded);
        TrainCase tc = new TrainCase(c);
        JavaRDD<PackedBlock> blocks = Blocks.fromArrays(SparkTestContext.get(), tc.x, tc.y, tc.w, tc.features,
                tc.targetWidth, partitions);
        try (SparkBackend backend = new SparkBackend(SparkTestContext.get(), blocks, null, tc.model, tc.loss, 0)) {
            tc.runAndCheck(backend, "spark, " + partitions + " partitions");
        } finally {
            blocks.unpersist(false);
        }
    }
}
