package dev.sparktrain.ml;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparktrain.SparkTrainException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ML persistence in Spark's own layout, so {@code Pipeline}/{@code PipelineModel},
 * {@code CrossValidator} and friends save and load our stages like MLlib's:
 * <pre>
 *   path/metadata/part-00000   one line of JSON: class, timestamp, sparkVersion, uid,
 *                              paramMap (params set explicitly), defaultParamMap (defaults)
 *   path/model/                a fitted model's network: model.json + params.bin (ModelIO)
 * </pre>
 * The metadata is what Spark's {@code DefaultParamsWriter} writes (each value is the param's own
 * {@code jsonEncode}); it is written here with Jackson because that Scala API is internal to
 * Spark and changed between 3.5 and 4.x. Loading reads the same file, creates the instance with
 * the saved uid and sets every saved value through the params' validation.
 */
final class Persistence {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String MODEL_DIR = "model";

    private Persistence() {
    }

    /** Writes the metadata of {@code instance} (and the network of a model) under a path. */
    static final class Writer extends MLWriter {
        private final Params instance;
        private final TrainedNet net;

        Writer(Params instance, TrainedNet net) {
            this.instance = instance;
            this.net = net;
        }

        @Override
        public void saveImpl(String path) {
            SparkContext sc = sc();
            saveMetadata(instance, path, sc);
            if (net != null) net.save(new Path(path, MODEL_DIR).toString(), sc.hadoopConfiguration());
        }
    }

    /** Makes an instance from a uid and (for a model) its saved network. */
    interface Factory<T> {
        T create(String uid, String path, SparkContext sc);
    }

    /** Reads what {@link Writer} wrote, for class {@code cls}. */
    static final class Reader<T extends Params> extends MLReader<T> {
        private final Class<T> cls;
        private final Factory<T> factory;

        Reader(Class<T> cls, Factory<T> factory) {
            this.cls = cls;
            this.factory = factory;
        }

        @Override
        public T load(String path) {
            SparkContext sc = sc();
            JsonNode meta = loadMetadata(path, sc, cls);
            T instance = factory.create(meta.get("uid").asText(), path, sc);
            applyParams(instance, meta, path);
            return instance;
        }
    }

    static void saveMetadata(Params instance, String path, SparkContext sc) {
        ObjectNode m = JSON.createObjectNode();
        m.put("class", instance.getClass().getName());
        m.put("timestamp", System.currentTimeMillis());
        m.put("sparkVersion", sc.version());
        m.put("uid", instance.uid());
        ObjectNode set = m.putObject("paramMap");
        ObjectNode defaults = m.putObject("defaultParamMap");
        for (Param<?> p : instance.params()) {
            if (instance.isSet(p)) set.set(p.name(), encode(p, instance.get(p).get()));
            if (instance.hasDefault(p)) defaults.set(p.name(), encode(p, instance.getDefault(p).get()));
        }
        String line;
        try {
            line = JSON.writeValueAsString(m);
        } catch (IOException e) {
            throw new SparkTrainException("cannot write the metadata of " + instance.uid() + ": " + e.getMessage(), e);
        }
        JavaSparkContext.fromSparkContext(sc).parallelize(List.of(line), 1).saveAsTextFile(new Path(path, "metadata").toString());
    }

    @SuppressWarnings("unchecked")
    private static JsonNode encode(Param<?> p, Object value) {
        try {
            return JSON.readTree(((Param<Object>) p).jsonEncode(value));
        } catch (IOException e) {
            throw new SparkTrainException("param " + p.name() + ": cannot encode " + value + ": " + e.getMessage(), e);
        }
    }

    static JsonNode loadMetadata(String path, SparkContext sc, Class<?> expected) {
        String metaPath = new Path(path, "metadata").toString();
        String line;
        try {
            line = JavaSparkContext.fromSparkContext(sc).textFile(metaPath, 1).first();
        } catch (RuntimeException e) {
            throw new SparkTrainException(path + ": cannot read " + metaPath + " (not a saved Spark ML stage?): "
                    + e.getMessage(), e);
        }
        JsonNode m;
        try {
            m = JSON.readTree(line);
        } catch (IOException e) {
            throw new SparkTrainException(metaPath + ": not valid JSON: " + e.getMessage(), e);
        }
        String cls = m.path("class").asText("");
        if (!cls.equals(expected.getName())) {
            throw new SparkTrainException(path + ": holds a " + (cls.isEmpty() ? "stage of unknown class" : cls)
                    + ", expected " + expected.getName());
        }
        if (!m.path("uid").isTextual()) throw new SparkTrainException(metaPath + ": no uid");
        return m;
    }

    /** Sets the saved defaults, then the saved values, through each param's validation. */
    static void applyParams(Params instance, JsonNode meta, String path) {
        for (String section : List.of("defaultParamMap", "paramMap")) {
            JsonNode values = meta.path(section);
            if (values.isMissingNode()) continue;
            if (!values.isObject()) throw new SparkTrainException(path + ": metadata " + section + " is not an object");
            Map<String, Object> entries = JSON.convertValue(values, new TypeReference<LinkedHashMap<String, Object>>() { });
            for (Map.Entry<String, Object> e : entries.entrySet()) {
                if (!instance.hasParam(e.getKey())) {
                    throw new SparkTrainException(path + ": saved param '" + e.getKey() + "' is unknown to "
                            + instance.getClass().getSimpleName());
                }
                Param<Object> p = instance.getParam(e.getKey());
                Object v;
                try {
                    v = p.jsonDecode(JSON.writeValueAsString(e.getValue()));
                } catch (IOException | RuntimeException x) {
                    throw new SparkTrainException(path + ": saved param '" + e.getKey() + "' = " + e.getValue()
                            + " cannot be read: " + x.getMessage(), x);
                }
                if (section.equals("paramMap")) instance.set(p, v);
                else instance.setDefault(p, v);
            }
        }
    }
}
