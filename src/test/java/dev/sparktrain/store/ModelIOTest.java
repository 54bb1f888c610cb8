package dev.sparktrain.store;

import dev.sparktrain.SparkTrainException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The saved-model format: exact round trip, and damaged or foreign directories refused clearly. */
class ModelIOTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path dir;

    private static double[] params() {
        double[] p = new double[257];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < p.length; i++) p[i] = r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
        p[0] = -0.0;
        p[1] = Double.MIN_VALUE;
        p[2] = Double.MAX_VALUE;
        p[3] = 1.0 / 3;
        return p;
    }

    private static Map<String, Object> description() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", "linear(4,8), relu, linear(8,3)");
        m.put("loss", "CrossEntropyLoss");
        m.put("features", 4);
        m.put("classes", 3);
        m.put("tensor_sizes", List.of(32, 8, 24, 3));
        m.put("standardize", Map.of("mean", List.of(0.1, -2.5, 1e-300, 7.0), "std", List.of(1.0, 0.5, 2.0, 3.25)));
        m.put("note", "ünïcödé");
        return m;
    }

    private String saved() {
        String out = dir.resolve("model").toString();
        ModelIO.save(out, description(), params(), CONF);
        return out;
    }

    private static SparkTrainException refused(String modelDir, String... parts) {
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> ModelIO.load(modelDir, CONF));
        String m = e.getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        for (String p : parts) assertTrue(m.contains(p), "message should contain '" + p + "': " + m);
        return e;
    }

    @Test
    void roundTripIsExact() {
        String out = saved();
        ModelIO.Saved s = ModelIO.load(out, CONF);
        double[] expected = params();
        assertEquals(expected.length, s.params().length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Double.doubleToRawLongBits(expected[i]), Double.doubleToRawLongBits(s.params()[i]), "param " + i);
        }
        Map<String, Object> d = s.description();
        Map<String, Object> expectedDesc = description();
        for (Map.Entry<String, Object> e : expectedDesc.entrySet()) {
            assertEquals(e.getValue(), d.get(e.getKey()), "description key " + e.getKey());
        }
        assertEquals(ModelIO.FORMAT, d.get("format"));
        assertEquals(ModelIO.VERSION, d.get("version"));
        assertEquals(expected.length, d.get("param_count"));
        Set<String> extra = new java.util.HashSet<>(d.keySet());
        extra.removeAll(expectedDesc.keySet());
        assertEquals(Set.of("format", "version", "params_file", "param_count", "params_sha256"), extra);
        assertFalse(Files.exists(dir.resolve("model").resolve(".params.bin.tmp")), "no temporary files left");
        assertFalse(Files.exists(dir.resolve("model").resolve(".model.json.tmp")), "no temporary files left");
    }

    @Test
    void paramsAreLittleEndianFloat64() throws IOException {
        String out = saved();
        byte[] bin = Files.readAllBytes(Path.of(out, "params.bin"));
        double[] p = params();
        assertEquals(8 * p.length, bin.length);
        java.nio.DoubleBuffer db = java.nio.ByteBuffer.wrap(bin).order(java.nio.ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
        double[] read = new double[p.length];
        db.get(read);
        assertArrayEquals(p, read, 0.0);
    }

    @Test
    void savingAgainOverwrites() {
        String out = saved();
        double[] other = {1, 2, 3};
        ModelIO.save(out, description(), other, CONF);
        assertArrayEquals(other, ModelIO.load(out, CONF).params(), 0.0);
    }

    @Test
    void truncatedParamsRefused() throws IOException {
        String out = saved();
        Path bin = Path.of(out, "params.bin");
        byte[] b = Files.readAllBytes(bin);
        Files.write(bin, java.util.Arrays.copyOf(b, b.length - 5));
        refused(out, "params.bin", "truncated", String.valueOf(b.length - 5));
    }

    @Test
    void flippedByteRefusedByChecksum() throws IOException {
        String out = saved();
        Path bin = Path.of(out, "params.bin");
        byte[] b = Files.readAllBytes(bin);
        b[b.length / 2] ^= 0x10;
        Files.write(bin, b);
        refused(out, "params.bin", "checksum");
    }

    @Test
    void missingParamsRefused() throws IOException {
        String out = saved();
        Files.delete(Path.of(out, "params.bin"));
        refused(out, "params.bin", "missing");
    }

    @Test
    void missingModelJsonRefused() throws IOException {
        String out = saved();
        Files.delete(Path.of(out, "model.json"));
        refused(out, out, "no model.json");
        refused(dir.resolve("never-saved").toString(), "no model.json");
    }

    @Test
    void otherFormatRefused() throws IOException {
        String out = saved();
        Path json = Path.of(out, "model.json");
        Files.writeString(json, "{\"format\": \"keras\", \"version\": 1}", StandardCharsets.UTF_8);
        refused(out, "model.json", "expected format sparktrain-model version 1");
        Files.writeString(json, "{\"format\": \"sparktrain-model\", \"version\": 2}", StandardCharsets.UTF_8);
        refused(out, "model.json", "version 1");
        Files.writeString(json, "[1, 2, 3]", StandardCharsets.UTF_8);
        refused(out, "model.json");
        Files.writeString(json, "not json {", StandardCharsets.UTF_8);
        refused(out, "model.json", "not valid JSON");
        Files.writeString(json, "", StandardCharsets.UTF_8);
        refused(out, "model.json");
    }

    @Test
    void modelJsonWithoutParamFieldsRefused() throws IOException {
        String out = saved();
        Path json = Path.of(out, "model.json");
        Files.writeString(json, "{\"format\": \"sparktrain-model\", \"version\": 1, \"params_file\": \"params.bin\"}",
                StandardCharsets.UTF_8);
        refused(out, "model.json", "param_count");
    }
}
