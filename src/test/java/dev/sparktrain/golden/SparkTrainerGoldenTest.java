package dev.sparktrain.golden;

import dev.sparktrain.spark.load.Blocks;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.spark.ShardedStep;
import dev.sparktrain.spark.SliceNorm;
import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.train.StepBackend;
import dev.sparktrain.train.SparkTestContext;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
                .flatMap(c -> Stream.concat(Stream.of(1, 3).map(p -> DynamicTest.dynamicTest(c.get("id") + " partitions=" + p,
                        () -> run(c, p))), Stream.of(DynamicTest.dynamicTest(c.get("id") + " sharded step", () -> runSharded(c)))));
    }

    /**
     * Issue 14: the case with the optimizer step sharded over the executors (3 partitions, as many
     * slices as the clip norm's pieces allow): PyTorch's figures, and the driver-side step's bits
     * after every epoch.
     */
    private static void runSharded(Map<String, Object> c) {
        String excluded = Exclusions.reason(c);
        Assumptions.assumeTrue(excluded == null, excluded);
        TrainCase tc = new TrainCase(c);
        JavaRDD<PackedBlock> blocks = Blocks.fromArrays(SparkTestContext.get(), tc.x, tc.y, tc.w, tc.features, tc.targetWidth, 3);
        try {
            TrainCase.Run driverSide;
            try (SparkBackend backend = new SparkBackend(SparkTestContext.get(), blocks, null, tc.model, tc.loss, 0)) {
                driverSide = tc.run(backend);
            }
            StepBackend[] made = new StepBackend[1];
            TrainCase.Run sharded = tc.run((params, opt, clipper) -> made[0] = new ShardedStep(
                    new SparkBackend(SparkTestContext.get(), blocks, null, tc.model, tc.loss, 0), params, opt,
                    new SliceNorm(clipper, params.length), 3));
            made[0].close();
            tc.check(sharded, "spark, sharded step");
            for (int e = 0; e < driverSide.params().size(); e++) {
                assertArrayEquals(bits(driverSide.params().get(e)), bits(sharded.params().get(e)), c.get("id") + " epoch " + e);
            }
        } finally {
            blocks.unpersist(false);
        }
    }

    private static long[] bits(double[] v) {
        return java.util.Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
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
