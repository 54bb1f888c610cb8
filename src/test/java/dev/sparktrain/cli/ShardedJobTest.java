package dev.sparktrain.cli;

import dev.sparktrain.train.SparkTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14, as a user runs it: the digits job (clip_grad_norm_, cosine schedule) with
 * {@code train.sharded_optimizer = on} writes a {@code params.bin} with the SHA-256 of the
 * driver-side step's, for every optimizer; a sharded run stopped after epoch 2 and resumed sharded
 * on another partition count ends with the same file too.
 */
class ShardedJobTest {
    @TempDir
    static Path tmp;

    /** Every optimizer with options that exercise its state (the job's Adam options are replaced). */
    static final Map<String, List<String>> OPTIMIZERS = Map.of(
            "SGD", List.of("optimizer.lr=0.05", "optimizer.momentum=0.9", "optimizer.nesterov=true"),
            "Adam", List.of("optimizer.lr=0.003", "optimizer.amsgrad=true"),
            "AdamW", List.of("optimizer.lr=0.003"),
            "RMSprop", List.of("optimizer.lr=0.001", "optimizer.centered=true", "optimizer.momentum=0.5"),
            "Adagrad", List.of("optimizer.lr=0.05", "optimizer.lr_decay=0.001"),
            "Adadelta", List.of("optimizer.lr=1.0"),
            "Adamax", List.of("optimizer.lr=0.002"),
            "NAdam", List.of("optimizer.lr=0.002"),
            "RAdam", List.of("optimizer.lr=0.003"));

    static String run(String name, String... overrides) {
        List<String> args = new ArrayList<>(List.of("conf/digits-mlp.conf", "output.dir=" + tmp.resolve(name),
                "checkpoint.every=0", "train.epochs=2", "train.batch_size=256"));
        args.addAll(List.of(overrides));
        return JobRuns.output(SparkTestContext.get(), args.toArray(new String[0]));
    }

    static String sha(String run) throws IOException, NoSuchAlgorithmException {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
                Files.readAllBytes(tmp.resolve(run).resolve("params.bin"))));
    }

    @Test
    void everyOptimizerWritesTheDriverSideStepsParamsBin() throws Exception {
        List<String> shas = new ArrayList<>();
        for (Map.Entry<String, List<String>> o : OPTIMIZERS.entrySet()) {
            List<String> keys = new ArrayList<>(o.getValue());
            keys.add("optimizer=" + o.getKey());
            keys.add("optimizer.weight_decay=0.0001");
            String[] common = keys.toArray(new String[0]);
            run(o.getKey() + "-off", concat(common, "train.sharded_optimizer=off", "data.partitions=2"));
            String out = run(o.getKey() + "-on", concat(common, "train.sharded_optimizer=on", "data.partitions=3"));
            assertTrue(out.contains("done:"), out);
            assertEquals(sha(o.getKey() + "-off"), sha(o.getKey() + "-on"), o.getKey() + ": params.bin, sharded vs driver-side step");
            shas.add(sha(o.getKey() + "-on"));
        }
        assertEquals(OPTIMIZERS.size(), shas.stream().distinct().count(), "each optimizer its own weights: real bits");
    }

    @Test
    void aShardedRunResumedShardedOnOtherPartitionsEndsWithTheSameParamsBin() throws Exception {
        run("whole", "train.epochs=3", "train.sharded_optimizer=off");
        run("cut", "train.epochs=2", "train.sharded_optimizer=on", "checkpoint.every=1", "data.partitions=3");
        assertNotEquals(sha("whole"), sha("cut"), "2 epochs are not 3");
        String out = JobRuns.output(SparkTestContext.get(), "--resume", tmp.resolve("cut").toString(), "train.epochs=3",
                "data.partitions=4", "train.sharded_optimizer=on");
        assertTrue(out.contains("resume: from " + tmp.resolve("cut/checkpoints/epoch-000002")), out);
        assertEquals(sha("whole"), sha("cut"), "resumed sharded run vs uninterrupted driver-side run");
    }

    /**
     * Early stopping with restore_best: a sharded run fetches the owners' parameters only at an
     * epoch that becomes the best (min_delta so large that only the first does, patience 1: it
     * stops after epoch 2), and ends with the driver-side run's params.bin — the first epoch's
     * weights, those of a one-epoch run.
     */
    @Test
    void earlyStoppingRestoresTheBestEpochsWeightsAsTheDriverSideStepDoes() throws Exception {
        String[] es = {"train.epochs=4", "early_stopping.monitor=val_loss", "early_stopping.patience=1",
                "early_stopping.min_delta=0.6", "early_stopping.restore_best=true"};
        run("es-off", concat(es, "train.sharded_optimizer=off", "data.partitions=2"));
        String out = run("es-on", concat(es, "train.sharded_optimizer=on", "data.partitions=3"));
        run("es-one", "train.epochs=1", "train.sharded_optimizer=off", "data.partitions=2");
        assertTrue(out.contains("done:"), out);
        assertTrue(out.contains("early stopping: val_loss did not improve") && out.contains("weights of epoch 1 restored"), out);
        assertEquals(sha("es-off"), sha("es-on"), "params.bin with early stopping, sharded vs driver-side step");
        assertEquals(sha("es-one"), sha("es-on"), "the best epoch's weights: a one-epoch run's");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
