package dev.sparktrain.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.nn.Sequential;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's weights as a safetensors file PyTorch loads with {@code load_state_dict} on the same
 * {@code nn.Sequential} ({@link StateDict} names and shapes), on any Hadoop path: written under a
 * temporary name and renamed, and read back checked against a layer spec (every key, every shape).
 * The metadata carries what a PyTorch user needs besides the weights: the layer spec, the loss,
 * the standardization and the class names, JSON-encoded.
 */
public final class SafetensorsModel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsModel() {
    }

    /** The file's bytes for {@code params} of {@code model}. */
    public static byte[] bytes(Sequential model, double[] params, Safetensors.Dtype dtype, Map<String, String> metadata) {
        List<Safetensors.Tensor> tensors = new ArrayList<>();
        for (StateDict.Entry e : StateDict.of(model)) {
            double[] v = Arrays.copyOfRange(params, e.offset(), e.offset() + e.length());
            tensors.add(new Safetensors.Tensor(e.key(), dtype, e.shape(), v));
        }
        return Safetensors.encode(metadata, tensors);
    }

    /** Writes {@code params} of {@code model} to {@code path} (temp + rename: nothing half-written). */
    public static void write(String path, Sequential model, double[] params, Safetensors.Dtype dtype,
                             Map<String, String> metadata, Configuration conf) {
        ModelIO.writeFile(path, bytes(model, params, dtype, metadata), conf);
    }

    /** A safetensors file as it is (any tensors), checked as a file. */
    public static Safetensors.Contents read(String path, Configuration conf) {
        return read(path, path, conf);
    }

    /** {@link #read(String, Configuration)} with errors starting with {@code where}. */
    private static Safetensors.Contents read(String path, String where, Configuration conf) {
        try {
            Path p = new Path(path);
            FileSystem fs = ModelIO.fileSystem(p, conf);
            if (!fs.exists(p)) throw new SparkTrainException(where + ": no such file");
            return Safetensors.decode(ModelIO.readAll(fs, p), where);
        } catch (IOException e) {
            throw new SparkTrainException(where + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The flat parameter vector of {@code model} from {@code path}; {@code where} names the setting in errors. */
    public static double[] params(String path, Sequential model, String where, Configuration conf) {
        String at = where + " " + path;
        return params(read(path, at, conf), model, at);
    }

    /**
     * The flat parameter vector of {@code model} from a file's tensors: each of the model's keys
     * must be there with its shape, and no other key may be.
     */
    public static double[] params(Safetensors.Contents c, Sequential model, String where) {
        double[] params = new double[model.paramCount()];
        List<StateDict.Entry> entries = StateDict.of(model);
        Map<String, Safetensors.Tensor> left = new LinkedHashMap<>(c.tensors());
        for (StateDict.Entry e : entries) {
            Safetensors.Tensor t = left.remove(e.key());
            if (t == null) {
                throw new SparkTrainException(where + ": key '" + e.key() + "' (expected shape " + e.shapeText()
                        + ") is missing; the file has " + String.join(", ", c.tensors().keySet()));
            }
            if (!Arrays.equals(t.shape(), e.shape())) {
                throw new SparkTrainException(where + ": key '" + e.key() + "': expected shape " + e.shapeText()
                        + " (model " + model.spec() + "), found " + StateDict.shapeText(t.shape()));
            }
            System.arraycopy(t.values(), 0, params, e.offset(), e.length());
        }
        if (!left.isEmpty()) {
            String key = left.keySet().iterator().next();
            throw new SparkTrainException(where + ": key '" + key + "' (shape " + StateDict.shapeText(left.get(key).shape())
                    + ") is not a tensor of the model " + model.spec() + " (its keys: "
                    + String.join(", ", entries.stream().map(StateDict.Entry::key).toList()) + ")");
        }
        return params;
    }

    /**
     * What a model's safetensors file says besides its weights: {@code format = pt} (the
     * safetensors convention for PyTorch files), the layer spec, the loss, and, when the model has
     * them, {@code standardize.mean} / {@code standardize.std} / {@code standardize.centered} and
     * {@code labels} as JSON.
     */
    public static Map<String, String> metadata(ModelDescription d) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("model", d.model());
        meta.put("loss", d.loss());
        if (d.standardize() != null) {
            ModelDescription.Scaling s = d.standardize();
            meta.put("standardize.mean", json(s.mean()));
            meta.put("standardize.std", json(s.std()));
            meta.put("standardize.centered", String.valueOf(s.centered()));
        }
        if (d.labels() != null) meta.put("labels", json(d.labels()));
        return meta;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
