package dev.sparktrain.store;

import org.apache.hadoop.conf.Configuration;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Hadoop {@link Configuration} that travels with a task: Configuration is not Serializable, and
 * Spark's SerializableConfiguration is not public API in every version. It travels as its
 * resolved key/value pairs, a plain map (no serialization hooks: HostileInputTest keeps the product
 * free of them), and is rebuilt where it is used.
 */
final class HadoopConf implements Serializable {
    private static final long serialVersionUID = 1L;
    private final LinkedHashMap<String, String> entries = new LinkedHashMap<>();
    private transient Configuration conf;

    HadoopConf(Configuration conf) {
        for (Map.Entry<String, String> e : conf) entries.put(e.getKey(), e.getValue());
        this.conf = conf;
    }

    Configuration get() {
        if (conf == null) {
            Configuration c = new Configuration(false);
            entries.forEach(c::set);
            conf = c;
        }
        return conf;
    }
}
