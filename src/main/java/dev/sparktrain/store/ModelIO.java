package dev.sparktrain.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.DoubleBytes;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
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

    /**
     * A saved model: model.json as read (the saved description plus format, version, params_file,
     * param_count and params_sha256) and the parameters.
     */
    public record Saved(Map<String, Object> description, double[] params) {
    }

    public static void save(String dir, Map<String, Object> description, double[] params, Configuration conf) {
        byte[] bin = DoubleBytes.encode(params);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("version", VERSION);
        json.putAll(description);
        json.put("params_file", "params.bin");
        json.put("param_count", params.length);
        json.put("params_sha256", sha256(bin));
        try {
            Path d = new Path(dir);
            FileSystem fs = fileSystem(d, conf);
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
            FileSystem fs = fileSystem(d, conf);
            Path jsonPath = new Path(d, "model.json");
            if (!fs.exists(jsonPath)) throw new SparkTrainException(dir + ": no model.json (not a saved model)");
            Map<String, Object> json;
            try {
                json = JSON.readValue(readAll(fs, jsonPath), Map.class);
            } catch (IOException e) {
                // Jackson's messages add the source location on further lines: keep one line
                String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
                throw new SparkTrainException(jsonPath + ": not valid JSON for a map: "
                        + String.valueOf(why).strip().lines().findFirst().orElse(""));
            }
            if (!FORMAT.equals(json.get("format")) || !Integer.valueOf(VERSION).equals(json.get("version"))) {
                throw new SparkTrainException(jsonPath + ": expected format " + FORMAT + " version " + VERSION);
            }
            if (!(json.get("params_file") instanceof String paramsFile) || paramsFile.isEmpty()
                    || !(json.get("param_count") instanceof Integer count) || count < 0
                    || !(json.get("params_sha256") instanceof String)) {
                throw new SparkTrainException(jsonPath + ": params_file, param_count and params_sha256 are missing "
                        + "or malformed");
            }
            byte[] bin = readAll(fs, new Path(d, paramsFile));
            if (bin.length != 8L * count) {
                throw new SparkTrainException(dir + "/params.bin: " + bin.length + " bytes, expected " + 8L * count
                        + " (" + count + " float64 parameters); the file is truncated or from another model");
            }
            if (!sha256(bin).equals(json.get("params_sha256"))) {
                throw new SparkTrainException(dir + "/params.bin: checksum mismatch; the file is corrupt");
            }
            return new Saved(json, DoubleBytes.decode(bin));
        } catch (IOException e) {
            throw new SparkTrainException("cannot read the model in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * The file system of {@code dir}, without Hadoop's client-side {@code .crc} side files (the
     * local file system's default): the format carries its own SHA-256, and with side files a
     * model.json edited by hand or a params.bin written by another tool fails with Hadoop's
     * "Checksum error" instead of loading or being refused by our own checks.
     */
    public static FileSystem fileSystem(Path dir, Configuration conf) throws IOException {
        FileSystem fs = dir.getFileSystem(conf);
        return fs instanceof ChecksumFileSystem c ? c.getRawFileSystem() : fs;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes one file at {@code path} (any Hadoop path; parents made) through {@link #writeAtomically}. */
    public static void writeFile(String path, byte[] bytes, Configuration conf) {
        try {
            Path p = new Path(path);
            FileSystem fs = fileSystem(p, conf);
            if (p.getParent() != null) fs.mkdirs(p.getParent());
            writeAtomically(fs, p, bytes);
        } catch (IOException e) {
            throw new SparkTrainException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code bytes} to a temporary sibling and renames it over {@code target}. */
    public static void writeAtomically(FileSystem fs, Path target, byte[] bytes) throws IOException {
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
        try (FSDataOutputStream out = fs.create(tmp, true)) {
            out.write(bytes);
        }
        if (fs.exists(target)) fs.delete(target, false);
        if (!fs.rename(tmp, target)) throw new IOException("rename " + tmp + " -> " + target + " failed");
    }

    static byte[] readAll(FileSystem fs, Path p) throws IOException {
        if (!fs.exists(p)) throw new SparkTrainException(p + ": missing");
        try (FSDataInputStream in = fs.open(p)) {
            return in.readAllBytes();
        }
    }
}
