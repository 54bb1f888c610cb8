package dev.sparktrain.store;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.OptimizerShard;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.train.SliceWriter;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sharded run's checkpoint (version 2) without Spark: slices written by "owners" (the
 * {@link SliceWriter} called here per slice, after a Java serialization round trip as a task's
 * closure takes) read back as the unsharded checkpoint of the same state, bit for bit; a damaged
 * slice file is refused naming it.
 */
class ShardedCheckpointFilesTest {
    private static final Configuration CONF = new Configuration();
    private static final int[] SIZES = {12, 3, 6, 2};            // weight, bias, weight, bias
    private static final boolean[] BIAS = {false, true, false, true};
    private static final int[] BOUNDS = {0, 7, 15, 15, 23};     // one empty slice, slices cutting tensors

    @TempDir
    Path tmp;

    /** NAdam (a group scalar, mu_product) with a weight and a bias group, after 3 steps. */
    private static Optimizer nadam(double[] p) {
        Optimizer o = Optimizers.create("NAdam", new Options("t", Map.of("lr", 0.01)), List.of(
                GroupSpec.of(SIZES, BIAS, false, Options.empty("weights")),
                GroupSpec.of(SIZES, BIAS, true, new Options("biases", Map.of("weight_decay", 0.0)))));
        Random r = new Random(3);
        double[] g = new double[p.length];
        for (int s = 0; s < 3; s++) {
            for (int i = 0; i < p.length; i++) g[i] = r.nextGaussian();
            o.step(p, g);
        }
        return o;
    }

    private static Checkpoint header(double[] params, Map<String, Object> optimizer) {
        return new Checkpoint(3, 30, "linear(4,3), relu, linear(3,2)", SIZES, "MSELoss", params, optimizer, null, null,
                new DataFacts(null, 100, -1, null, null), Map.of("train.seed", "7"), List.of());
    }

    private static SliceWriter shipped(SliceWriter w) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(w);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (SliceWriter) in.readObject();
        }
    }

    /** Writes the state as the owners of BOUNDS would. */
    private String writeSharded(Path dir, double[] params, Optimizer opt) {
        Map<String, Object> full = opt.state();
        Map<String, Object> driver = new java.util.LinkedHashMap<>(Map.of("optimizer", opt.name()));
        driver.put("param_groups", OptimizerShard.hypers(opt));
        return Checkpoints.writeSharded(dir.toString(), header(null, driver), 2, CONF, w -> {
            List<Map<String, Object>> facts = new ArrayList<>();
            try {
                SliceWriter onExecutor = shipped(w);
                for (int k = 0; k + 1 < BOUNDS.length; k++) {
                    int a = BOUNDS[k], b = BOUNDS[k + 1];
                    facts.add(onExecutor.write(k, a, b, Arrays.copyOfRange(params, a, b), OptimizerShard.of(opt, full, a, b).state()));
                }
            } catch (IOException | ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            return facts;
        });
    }

    private static long[] bits(double[] v) {
        return Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray();
    }

    @Test
    @SuppressWarnings("unchecked")
    void slicesWrittenByOwnersReadBackAsTheWholeStateBitForBit() throws IOException {
        double[] params = new double[23];
        Optimizer opt = nadam(params);
        assertTrue(OptimizerShard.buffersConcatenate(opt));
        String sharded = writeSharded(tmp.resolve("sharded"), params, opt);
        String whole = Checkpoints.write(tmp.resolve("whole").toString(), header(params.clone(), opt.state()), 2, CONF);

        Checkpoint s = Checkpoints.read(sharded, CONF);
        Checkpoint w = Checkpoints.read(whole, CONF);
        assertArrayEquals(bits(params), bits(s.params()));
        List<Object> ss = (List<Object>) s.optimizer().get("state");
        List<Object> ws = (List<Object>) w.optimizer().get("state");
        assertEquals(2, ss.size());
        for (int g = 0; g < 2; g++) {
            Map<String, Object> a = (Map<String, Object>) ss.get(g);
            Map<String, Object> b = (Map<String, Object>) ws.get(g);
            assertEquals(b.keySet(), a.keySet());
            for (String k : b.keySet()) {
                if (b.get(k) instanceof double[] d) assertArrayEquals(bits(d), bits((double[]) a.get(k)), "group " + g + " " + k);
                else assertEquals(b.get(k), a.get(k), "group " + g + " " + k);
            }
        }
        ObjectMapper json = new ObjectMapper(); // the betas are arrays: compared as written
        assertEquals(json.writeValueAsString(w.optimizer().get("param_groups")), json.writeValueAsString(s.optimizer().get("param_groups")));
        // and it loads into a fresh optimizer as the whole one does
        Optimizer fresh = nadam(new double[23]);
        fresh.loadState(s.optimizer());

        // the layout: one file per slice; tensors.bin holds only the driver's small arrays (NAdam's betas)
        Path d = Path.of(sharded);
        for (int k = 0; k < 4; k++) assertTrue(Files.exists(d.resolve(SliceFiles.fileName(k))), "slice " + k);
        assertEquals(2 * 2 * 8, Files.size(d.resolve("tensors.bin")), "two groups' betas, nothing else");
        Map<String, Object> h = json.readValue(d.resolve("checkpoint.json").toFile(), Map.class);
        assertEquals(2, h.get("version"));
        assertEquals(1, json.readValue(Path.of(whole, "checkpoint.json").toFile(), Map.class).get("version"), "unsharded stays version 1");
        // slice 1 [7, 15): params 8 values, then weights' exp_avg, exp_avg_sq ([7,12) = 5 values) and biases' ([12,15) = 3)
        assertEquals(8L * (8 + 2 * 5 + 2 * 3), Files.size(d.resolve("slice-00001.bin")));
        assertEquals(8L * (8 + 2 * 8), Files.size(d.resolve("slice-00003.bin")), "[15, 23): 6 weights and 2 biases");
    }

    @Test
    void theHadoopConfigurationTravelsWithTheWriter() throws IOException, ClassNotFoundException {
        Configuration c = new Configuration(false);
        c.set("fs.s3a.endpoint", "http://example.invalid:9000");
        c.set("sparktrain.test", "a=b, c");
        SliceFiles shipped = (SliceFiles) shipped(new SliceFiles("/x", c));
        Configuration back = shipped.conf();
        assertEquals("http://example.invalid:9000", back.get("fs.s3a.endpoint"));
        assertEquals("a=b, c", back.get("sparktrain.test"));
        assertEquals(2, back.size());
    }

    @Test
    void aDamagedSliceFileIsRefusedNamingItAndThePreviousCheckpointIsUsed() throws IOException {
        double[] params = new double[23];
        Optimizer opt = nadam(params);
        Path root = tmp.resolve("run");
        String older = Checkpoints.write(root.toString(), new Checkpoint(2, 20, header(null, null).model(), SIZES, "MSELoss",
                params.clone(), opt.state(), null, null, null, Map.of(), List.of()), 3, CONF);
        String newest = writeSharded(root, params, opt);
        Path slice = Path.of(newest, "slice-00001.bin");
        byte[] good = Files.readAllBytes(slice);

        byte[] flipped = good.clone();
        flipped[8 * 9 + 3] ^= 0x10; // inside the weights' exp_avg
        Files.write(slice, flipped);
        assertEquals("checkpoint " + newest + ": blob 'optimizer.state[0].exp_avg' in slice-00001.bin fails its SHA-256 check "
                + "(corrupt file)", assertThrows(SparkTrainException.class, () -> Checkpoints.read(newest, CONF)).getMessage());
        List<String> warnings = new ArrayList<>();
        Checkpoints.Found<Integer> f = Checkpoints.resume(root.toString(), CONF, Checkpoint::epoch, warnings::add);
        assertEquals(older, f.dir());
        assertEquals(List.of("refused checkpoint " + newest + ": blob 'optimizer.state[0].exp_avg' in slice-00001.bin "
                + "fails its SHA-256 check (corrupt file)"), warnings);

        try (RandomAccessFile r = new RandomAccessFile(slice.toFile(), "rw")) {
            r.write(good);
            r.setLength(good.length - 8);
        }
        assertEquals("checkpoint " + newest + ": slice-00001.bin has " + (good.length - 8) + " bytes, expected " + good.length
                + " (truncated or overwritten)", assertThrows(SparkTrainException.class, () -> Checkpoints.read(newest, CONF)).getMessage());

        Files.delete(slice);
        assertEquals("checkpoint " + newest + ": slice-00001.bin is missing",
                assertThrows(SparkTrainException.class, () -> Checkpoints.read(newest, CONF)).getMessage());
    }
}
