package dev.sparktrain.store;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.DoubleBytes;
import dev.sparktrain.nn.Activation;
import dev.sparktrain.nn.Dropout;
import dev.sparktrain.nn.Linear;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.store.Safetensors.Dtype;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Safetensors out and in: PyTorch's keys and shapes, byte-identical round trips, and one-line refusals of bad files. */
class SafetensorsTest {
    /** linear, relu, dropout, linear, tanh, linear: parameter-free layers take an index too. */
    private static final Sequential MODEL = new Sequential(List.of(new Linear(5, 4), new Activation(Activation.Kind.RELU, 4),
            new Dropout(0.2, 4), new Linear(4, 3), new Activation(Activation.Kind.TANH, 3), new Linear(3, 2)));
    private static final Map<String, String> META = Map.of("format", "pt", "model", "test");

    @TempDir
    Path dir;

    @Test
    void keysAndShapesAreNnSequentialsStateDict() {
        List<String> keys = StateDict.of(MODEL).stream().map(e -> e.key() + " " + e.shapeText()).toList();
        assertEquals(List.of("0.weight [4, 5]", "0.bias [4]", "3.weight [3, 4]", "3.bias [3]", "5.weight [2, 3]", "5.bias [2]"), keys);
        Safetensors.Contents c = Safetensors.decode(SafetensorsModel.bytes(MODEL, MODEL.initParams(1), Dtype.F64, META), "t");
        assertEquals(List.of("0.weight", "0.bias", "3.weight", "3.bias", "5.weight", "5.bias"), List.copyOf(c.tensors().keySet()));
        assertEquals(META, c.metadata());
    }

    @Test
    void layoutIsHeaderLengthPaddedJsonThenLittleEndianData() {
        double[] p = MODEL.initParams(2);
        byte[] b = SafetensorsModel.bytes(MODEL, p, Dtype.F64, META);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        long n = buf.getLong();
        assertEquals(0, n % 8, "header padded to 8 bytes");
        assertEquals(8 + n + 8L * p.length, b.length);
        String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{\"__metadata__\":{"), header);
        assertTrue(header.contains("\"0.weight\":{\"dtype\":\"F64\",\"shape\":[4,5],\"data_offsets\":[0,160]}"), header);
        // the flat vector's order is the state_dict's: the data is params.bin's bytes
        assertArrayEquals(DoubleBytes.encode(p), Arrays.copyOfRange(b, 8 + (int) n, b.length));
    }

    @Test
    void roundTripsGiveIdenticalBytesInBothDtypes() {
        double[] p = MODEL.initParams(3);
        for (Dtype d : Dtype.values()) {
            byte[] first = SafetensorsModel.bytes(MODEL, p, d, META);
            Safetensors.Contents c = Safetensors.decode(first, "first");
            double[] back = SafetensorsModel.params(c, MODEL, "first");
            assertArrayEquals(first, SafetensorsModel.bytes(MODEL, back, d, c.metadata()), d + ": export, import, export");
            if (d == Dtype.F64) assertArrayEquals(p, back, 0.0);
            else for (int i = 0; i < p.length; i++) assertEquals((float) p[i], back[i], 0.0);
        }
    }

    @Test
    void writesThroughTempAndRenameAndReadsBackFromAPath() throws Exception {
        double[] p = MODEL.initParams(4);
        Path f = dir.resolve("sub/w.safetensors");
        Configuration conf = new Configuration();
        SafetensorsModel.write(f.toString(), MODEL, p, Dtype.F64, META, conf);
        SafetensorsModel.write(f.toString(), MODEL, p, Dtype.F64, META, conf); // over an existing file
        try (var files = Files.list(f.getParent())) {
            assertEquals(List.of("w.safetensors"), files.map(x -> x.getFileName().toString()).toList(), "no temp file left");
        }
        assertArrayEquals(p, SafetensorsModel.params(f.toString(), MODEL, "model.init", conf), 0.0);
    }

    @Test
    void aFileThatDoesNotFitTheLayerSpecIsRefusedNamingKeyExpectedAndFound() {
        Sequential transposed = new Sequential(List.of(new Linear(4, 5), new Activation(Activation.Kind.RELU, 5),
                new Dropout(0.2, 5), new Linear(5, 3), new Activation(Activation.Kind.TANH, 3), new Linear(3, 2)));
        Safetensors.Contents c = Safetensors.decode(SafetensorsModel.bytes(MODEL, MODEL.initParams(1), Dtype.F64, META), "w");
        assertEquals("job:3 (model.init) w: key '0.weight': expected shape [5, 4] (model Linear(4, 5), ReLU(), Dropout(p=0.2), "
                + "Linear(5, 3), Tanh(), Linear(3, 2)), found [4, 5]", refusal(() -> SafetensorsModel.params(c, transposed, "job:3 (model.init) w")));
        Sequential shorter = new Sequential(List.of(new Linear(5, 4), new Activation(Activation.Kind.RELU, 4),
                new Dropout(0.2, 4), new Linear(4, 3)));
        assertEquals("w: key '5.weight' (shape [2, 3]) is not a tensor of the model Linear(5, 4), ReLU(), Dropout(p=0.2), Linear(4, 3) "
                + "(its keys: 0.weight, 0.bias, 3.weight, 3.bias)", refusal(() -> SafetensorsModel.params(c, shorter, "w")));
        Sequential longer = new Sequential(List.of(new Linear(5, 4), new Activation(Activation.Kind.RELU, 4),
                new Dropout(0.2, 4), new Linear(4, 3), new Activation(Activation.Kind.TANH, 3), new Linear(3, 2), new Linear(2, 2)));
        assertEquals("w: key '6.weight' (expected shape [2, 2]) is missing; the file has 0.weight, 0.bias, 3.weight, 3.bias, "
                + "5.weight, 5.bias", refusal(() -> SafetensorsModel.params(c, longer, "w")));
    }

    @Test
    void badFilesAreRefusedInOneLine() {
        byte[] good = SafetensorsModel.bytes(MODEL, MODEL.initParams(5), Dtype.F64, META);
        assertEquals("f: 5 bytes: truncated (a safetensors file starts with an 8-byte header length)",
                refusal(() -> Safetensors.decode(Arrays.copyOf(good, 5), "f")));
        long n = ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals("f: header length " + n + " but the file has " + (n - 8) + " bytes after it (truncated, or not a safetensors file)",
                refusal(() -> Safetensors.decode(Arrays.copyOf(good, (int) n), "f")));
        assertEquals("f: tensor '5.bias': data_offsets [360, 376] lie outside the 368 data bytes (truncated, or the header lies)",
                refusal(() -> Safetensors.decode(Arrays.copyOf(good, good.length - 8), "f")));
        byte[] wrongLength = good.clone();
        ByteBuffer.wrap(wrongLength).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        assertEquals("f: header length 1099511627776 but the file has " + (good.length - 8) + " bytes after it (truncated, "
                + "or not a safetensors file)", refusal(() -> Safetensors.decode(wrongLength, "f")));

        double[] one = {1, 2, 3};
        assertEquals("f: tensor 'b' starts at data byte 16, expected 24 (it overlaps the tensor before it)", refusal(() ->
                Safetensors.decode(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,24]},"
                        + "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[16,24]}}", one), "f")));
        assertEquals("f: tensor 'a': data_offsets [0, 16] hold 16 bytes but shape [3] of F64 needs 24", refusal(() ->
                Safetensors.decode(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,16]}}", one), "f")));
        assertEquals("f: tensor 'a' starts at data byte 8, expected 0 (a gap no tensor covers)", refusal(() ->
                Safetensors.decode(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[8,24]}}", one), "f")));
        assertEquals("f: the tensors cover 16 of the 24 data bytes", refusal(() ->
                Safetensors.decode(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}", one), "f")));
        assertEquals("f: tensor 'a': unknown dtype 'BF16' (expected F64 or F32)", refusal(() ->
                Safetensors.decode(file("{\"a\":{\"dtype\":\"BF16\",\"shape\":[12],\"data_offsets\":[0,24]}}", one), "f")));
        assertEquals("f: tensor 'a' holds NaN at element 1 (weights must be finite)", refusal(() ->
                Safetensors.decode(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,24]}}", 1, Double.NaN, 3), "f")));
        assertEquals("f: tensor 'a' holds Infinity at element 0 (weights must be finite)", refusal(() ->
                Safetensors.decode(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}",
                        Double.longBitsToDouble(0x7f8000007f800000L)), "f")));
        String notJson = refusal(() -> Safetensors.decode(file("{\"a\":", one), "f"));
        assertTrue(notJson.startsWith("f: the header is not valid JSON: Unexpected end-of-input"), notJson); // Jackson's words vary
        assertEquals("f: __metadata__ 'epochs' is not a string", refusal(() ->
                Safetensors.decode(file("{\"__metadata__\":{\"epochs\":3}}"), "f")));
        assertEquals("f: tensor 'a': shape: expected non-negative integers, got [-1]", refusal(() ->
                Safetensors.decode(file("{\"a\":{\"dtype\":\"F64\",\"shape\":[-1],\"data_offsets\":[0,8]}}", 1), "f")));
    }

    /** A safetensors file with {@code header} (padded) and the values as float64 bytes. */
    private static byte[] file(String header, double... values) {
        byte[] h = (header + " ".repeat(-header.length() & 7)).getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (double v : values) b.putDouble(v);
        return b.array();
    }

    private static String refusal(org.junit.jupiter.api.function.Executable e) {
        String m = assertThrows(SparkTrainException.class, e).getMessage();
        assertFalse(m.contains("\n"), "one line: " + m);
        return m;
    }
}
