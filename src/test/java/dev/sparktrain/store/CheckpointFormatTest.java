package dev.sparktrain.store;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.optim.lr.ReduceLROnPlateau;
import dev.sparktrain.optim.lr.Schedulers;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The checkpoint files without Spark: exact round trip, atomic layout, keep-K, refusals and fallback. */
class CheckpointFormatTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path tmp;

    private static long[] bits(double[] v) {
        return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    private static Checkpoint checkpoint(int epoch, String model, double[] params, Optimizer opt, Map<String, Object> sched,
                                         Map<String, Object> es) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("kind", "epoch");
        row.put("epoch", epoch);
        row.put("val_loss", 0.5);
        row.put("lr", List.of(0.1));
        return new Checkpoint(epoch, 10L * epoch, model, new int[] {params.length}, "MSELoss", params, opt.state(), sched, es,
                new DataFacts(null, 100, -1, null, null), Map.of("train.seed", "7"), List.of(row));
    }

    private static Optimizer adam(int n) {
        Optimizer o = Optimizers.create("Adam", new Options("t", Map.of("lr", 0.01, "amsgrad", true)), GroupSpec.all(n));
        Random r = new Random(1);
        double[] p = new double[n];
        double[] g = new double[n];
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < n; i++) g[i] = r.nextGaussian();
            o.step(p, g);
        }
        return o;
    }

    private static ReduceLROnPlateau plateau(Optimizer opt) {
        return (ReduceLROnPlateau) Schedulers.create("ReduceLROnPlateau", opt, new Options("s", Map.of("mode", "max")));
    }

    @Test
    void roundTripIsBitExactIncludingNonFiniteScalarsAndNestedArrays() {
        double[] params = {0.0, -0.0, Double.MIN_VALUE, 1e-300, Math.PI, -1.0 / 3, Double.MAX_VALUE, 0.1 + 0.2};
        Optimizer opt = adam(params.length);
        ReduceLROnPlateau plateau = plateau(opt);
        Map<String, Object> sched = plateau.state(); // best = -Infinity before any metric
        assertEquals(Double.NEGATIVE_INFINITY, sched.get("best"));
        Map<String, Object> es = new LinkedHashMap<>();
        es.put("best", Double.POSITIVE_INFINITY);
        es.put("nan", Double.NaN);
        es.put("best_params", params.clone());
        es.put("nested", List.of(Map.of("a", new double[] {1.5, -2.5}), 3L, "x", true));
        String dir = tmp.resolve("ck").toString();
        Checkpoints.write(dir, checkpoint(3, "linear(8,1)", params, opt, sched, es), 2, CONF);

        Checkpoint c = Checkpoints.read(dir + "/" + Checkpoints.name(3), CONF);
        assertArrayEquals(bits(params), bits(c.params()));
        assertEquals(3, c.epoch());
        assertEquals(30L, c.step());
        assertEquals(Double.NEGATIVE_INFINITY, c.scheduler().get("best"));
        assertEquals(Double.POSITIVE_INFINITY, c.earlyStopping().get("best"));
        assertTrue(Double.isNaN((Double) c.earlyStopping().get("nan")));
        assertArrayEquals(bits(params), bits((double[]) c.earlyStopping().get("best_params")));
        List<?> nested = (List<?>) c.earlyStopping().get("nested");
        assertArrayEquals(new double[] {1.5, -2.5}, (double[]) ((Map<?, ?>) nested.get(0)).get("a"));
        assertEquals("7", c.job().get("train.seed"));
        assertEquals(0.5, c.metrics().get(0).get("val_loss"));

        // the optimizer state loads into a fresh optimizer and then steps exactly like the original
        Optimizer fresh = Optimizers.create("Adam", new Options("t", Map.of("lr", 0.01, "amsgrad", true)), GroupSpec.all(params.length));
        fresh.loadState(c.optimizer());
        double[] g = new double[params.length];
        Arrays.fill(g, 0.25);
        double[] p1 = new double[params.length];
        double[] p2 = new double[params.length];
        opt.step(p1, g);
        fresh.step(p2, g);
        assertArrayEquals(bits(p1), bits(p2));
        ReduceLROnPlateau again = plateau(fresh);
        again.loadState(c.scheduler());
        assertEquals(plateau.state().toString(), again.state().toString());
    }

    @Test
    void writesAtomicallyKeepsTheNewestKAndPointsLatestAtTheLast() throws IOException {
        double[] params = {1, 2, 3};
        Optimizer opt = adam(3);
        String dir = tmp.resolve("ck").toString();
        Files.createDirectories(tmp.resolve("ck/.tmp-epoch-000009-dead"));           // a crashed writer's leftovers
        for (int e = 1; e <= 4; e++) Checkpoints.write(dir, checkpoint(e, "m", params, opt, null, null), 2, CONF);
        List<String> names = new ArrayList<>();
        try (var s = Files.list(tmp.resolve("ck"))) {
            s.map(p -> p.getFileName().toString()).sorted().forEach(names::add);
        }
        assertEquals(List.of("epoch-000003", "epoch-000004", "latest"), names);
        assertEquals("epoch-000004", Files.readString(tmp.resolve("ck/latest")).strip());
        assertEquals(List.of(dir + "/epoch-000004", dir + "/epoch-000003"), Checkpoints.candidates(dir, CONF));
        // a run directory (holding checkpoints/) resolves to the same list
        Files.move(tmp.resolve("ck"), Files.createDirectories(tmp.resolve("run")).resolve("checkpoints"));
        assertEquals(2, Checkpoints.candidates(tmp.resolve("run").toString(), CONF).size());

        // writing an earlier epoch (a resume from an older checkpoint) drops the abandoned later ones
        String d2 = tmp.resolve("run/checkpoints").toString();
        Checkpoints.write(d2, checkpoint(2, "m", params, opt, null, null), 2, CONF);
        assertEquals(List.of(d2 + "/epoch-000002"), Checkpoints.candidates(d2, CONF));
    }

    @Test
    void truncatedOrCorruptCheckpointsAreRefusedAndThePreviousOneIsUsed() throws IOException {
        double[] params = {1, 2, 3, 4};
        Optimizer opt = adam(4);
        String dir = tmp.resolve("ck").toString();
        for (int e = 1; e <= 3; e++) Checkpoints.write(dir, checkpoint(e, "m", params, opt, null, null), 3, CONF);

        Path bin3 = tmp.resolve("ck/epoch-000003/tensors.bin");
        long len = Files.size(bin3);
        try (RandomAccessFile f = new RandomAccessFile(bin3.toFile(), "rw")) {
            f.setLength(len - 8);
        }
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> Checkpoints.read(dir + "/epoch-000003", CONF));
        assertEquals("checkpoint " + dir + "/epoch-000003: tensors.bin has " + (len - 8) + " bytes, expected " + len
                + " (truncated or overwritten)", e.getMessage());

        // flip one bit of epoch 2 (same length): the blob's SHA-256 catches it
        Path bin2 = tmp.resolve("ck/epoch-000002/tensors.bin");
        byte[] b = Files.readAllBytes(bin2);
        b[40] ^= 1; // params are bytes 0..31, Adam's betas 32..47
        Files.write(bin2, b);
        e = assertThrows(SparkTrainException.class, () -> Checkpoints.read(dir + "/epoch-000002", CONF));
        assertEquals("checkpoint " + dir + "/epoch-000002: blob 'optimizer.param_groups[0].betas' fails its SHA-256 check "
                + "(corrupt file)", e.getMessage());

        List<String> warnings = new ArrayList<>();
        Checkpoints.Found<Integer> f = Checkpoints.resume(dir, CONF, Checkpoint::epoch, warnings::add);
        assertEquals(1, f.accepted());
        assertEquals(2, warnings.size());
        assertTrue(warnings.get(0).contains("epoch-000003: tensors.bin has"), warnings.get(0));
        assertTrue(warnings.get(1).contains("epoch-000002: blob"), warnings.get(1));

        // an accept function refusing (another model) moves on as well; none left: one line naming the newest refusal
        e = assertThrows(SparkTrainException.class, () -> Checkpoints.resume(dir, CONF, c -> {
            throw new SparkTrainException("saved for model m, the job's model is z");
        }, w -> { }));
        assertTrue(e.getMessage().startsWith("resume " + dir + ": no usable checkpoint; newest: checkpoint " + dir
                + "/epoch-000003: tensors.bin has"), e.getMessage());

        // a checkpoint named explicitly is used or refused, never swapped for another
        e = assertThrows(SparkTrainException.class, () -> Checkpoints.resume(dir + "/epoch-000003", CONF, Checkpoint::epoch, w -> { }));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertEquals(1, Checkpoints.resume(dir + "/epoch-000001", CONF, Checkpoint::epoch, w -> { }).accepted());
        assertNull(Checkpoints.read(dir + "/epoch-000001", CONF).scheduler());
    }

    @Test
    void notACheckpointIsSaidPlainly() {
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> Checkpoints.resume(tmp.toString(), CONF, c -> c, w -> { }));
        assertEquals("resume " + tmp + ": no checkpoints found", e.getMessage());
    }
}
