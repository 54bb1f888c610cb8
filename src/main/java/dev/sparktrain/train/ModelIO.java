package dev.sparktrain.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sparktrain.SparkTrainException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The saved-model format (docs/MODEL_FORMAT.md): a directory on any Hadoop file system with
 * {@code model.json} (architecture, loss, data facts, scaling, the parameter file's length and
 * SHA-256) and {@code params.bin} (the flat parameters as raw little-endian float64). No Java
 * serialization: any language can read it. Files are written under a temporary name and renamed.
 */
public final class ModelIO {
    public static final String FORMAT = "sparktrain-model";
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelIO() {
    }

    /** A saved model: its description (model.json without the checksum fields) and parameters. */
    public record Saved(Map<String, Object> description, double[] params) {
    }

    public static void save(String dir, Map<String, Object> description, double[] params, Configuration conf) {
        byte[] bin = toBytes(params);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("version", VERSION);
        json.putAll(description);
        json.put("params_file", "params.bin");
        json.put("param_count", params.length);
        json.put("params_sha256", sha256(bin));
        try {
            Path d = new Path(dir);
            FileSystem fs = d.getFileSystem(conf);
            fs.mkdirs(d);
            writeAtomically(fs, new Path(d, "params.bin"), bin);
            writeAtomically(fs, new Path(d, "model.json"), JSON.writeValueAsBytes(json));
        } catch (IOException e) {
            throw new SparkTrainException("cannot save the model to " + dir + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    public static Saved load(String dir, Configuration conf) {
        try {
            Path d = new Path(dir);
            FileSystem fs = d.getFileSystem(conf);
            Path jsonPath = new Path(d, "model.json");
            if (!fs.exists(jsonPath)) throw new SparkTrainException(dir + ": no model.json (not a saved model)");
            Map<String, Object> json;
            try {
                json = JSON.readValue(readAll(fs, jsonPath), Map.class);
            } catch (IOException e) {
                throw new SparkTrainException(jsonPath + ": not valid JSON: " + e.getMessage());
            }
            if (!FORMAT.equals(json.get("format")) || !Integer.valueOf(VERSION).equals(json.get("version"))) {
                throw new SparkTrainException(jsonPath + ": expected format " + FORMAT + " version " + VERSION);
            }
            byte[] bin = readAll(fs, new Path(d, String.valueOf(json.get("params_file"))));
            int count = ((Number) json.get("param_count")).intValue();
            if (bin.length != 8L * count) {
                throw new SparkTrainException(dir + "/params.bin: " + bin.length + " bytes, expected " + 8L * count
                        + " (" + count + " float64 parameters); the file is truncated or from another model");
            }
            if (!sha256(bin).equals(json.get("params_sha256"))) {
                throw new SparkTrainException(dir + "/params.bin: checksum mismatch; the file is corrupt");
            }
            double[] params = new double[count];
            ByteBuffer.wrap(bin).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(params);
            return new Saved(json, params);
        } catch (IOException e) {
            throw new SparkTrainException("cannot read the model in " + dir + ": " + e.getMessage(), e);
        }
    }

    static byte[] toBytes(double[] params) {
        ByteBuffer b = ByteBuffer.allocate(8 * params.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(params);
        return b.array();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void writeAtomically(FileSystem fs, Path target, byte[] bytes) throws IOException {
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
        try (FSDataOutputStream out = fs.create(tmp, true)) {
            out.write(bytes);
        }
        if (fs.exists(target)) fs.delete(target, false);
        if (!fs.rename(tmp, target)) throw new IOException("rename " + tmp + " -> " + target + " failed");
    }

    private static byte[] readAll(FileSystem fs, Path p) throws IOException {
        if (!fs.exists(p)) throw new SparkTrainException(p + ": missing");
        try (FSDataInputStream in = fs.open(p)) {
            return in.readAllBytes();
        }
    }
}
