package dev.sparktrain.store;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.DoubleBytes;
import dev.sparktrain.train.SliceWriter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The slice files of a sharded run's checkpoint (docs/CHECKPOINT_FORMAT.md, version 2). On the
 * executors ({@link #write}): each owner writes {@code slice-NNNNN.bin} into the checkpoint's
 * temporary directory — its parameters, then its optimizer-state buffers group by group in state
 * order, raw little-endian float64 — and returns each array's offset, count and SHA-256 with the
 * optimizer's scalars. On the driver ({@link #params}, {@link #optimizer}): those facts become the
 * header's blob entries and {@code $slices} nodes, the slices of an array in slice order.
 */
final class SliceFiles implements SliceWriter {
    private static final long serialVersionUID = 1L;
    private final String dir;
    private final HadoopConf conf;

    /** An array an owner wrote: where in its file, and its checksum. */
    record Written(long offset, int count, String sha256) implements Serializable {
    }

    SliceFiles(String dir, Configuration conf) {
        this.dir = dir;
        this.conf = new HadoopConf(conf);
    }

    /** The Hadoop configuration the files are written with (rebuilt on an executor). */
    Configuration conf() {
        return conf.get();
    }

    static String fileName(int index) {
        return String.format(Locale.ROOT, "slice-%05d.bin", index);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, Object> write(int index, int from, int to, double[] params, Map<String, Object> optimizerState) {
        String name = fileName(index);
        Path p = new Path(dir, name);
        try {
            FileSystem fs = ModelIO.fileSystem(p, conf.get());
            long[] at = {0};
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("file", name);
            facts.put("index", index);
            facts.put("from", from);
            facts.put("to", to);
            List<Object> groups = new ArrayList<>();
            try (FSDataOutputStream out = fs.create(p, true)) {
                facts.put("params", array(out, params, at));
                for (Object g : (List<Object>) optimizerState.get("state")) {
                    Map<String, Object> cut = new LinkedHashMap<>();
                    for (Map.Entry<String, Object> e : ((Map<String, Object>) g).entrySet()) {
                        cut.put(e.getKey(), e.getValue() instanceof double[] d ? array(out, d, at) : e.getValue());
                    }
                    groups.add(cut);
                }
            }
            facts.put("state", groups);
            facts.put("bytes", at[0]);
            return facts;
        } catch (IOException e) {
            throw new SparkTrainException("cannot write " + p + ": " + e.getMessage(), e);
        }
    }

    private static Written array(FSDataOutputStream out, double[] values, long[] at) throws IOException {
        byte[] bytes = DoubleBytes.encode(values);
        out.write(bytes);
        Written w = new Written(at[0], values.length, ModelIO.sha256(bytes));
        at[0] += bytes.length;
        return w;
    }

    /** The header's {@code files} list: each slice file's name, length and parameter range. */
    static List<Map<String, Object>> files(List<Map<String, Object>> slices) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> s : slices) {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("name", s.get("file"));
            f.put("bytes", s.get("bytes"));
            f.put("from", s.get("from"));
            f.put("to", s.get("to"));
            out.add(f);
        }
        return out;
    }

    /** The parameters as {@code $slices} of the owners' blobs. */
    static Map<String, Object> params(StateCodec.Encoder enc, List<Map<String, Object>> slices) {
        return enc.slices("params", entries(slices, s -> s.get("params")));
    }

    /**
     * The optimizer's state dict: its name and param groups as the driver holds them ({@code driver},
     * which a scheduler moves), the per-group state from the owners: every buffer as {@code $slices},
     * every scalar (step counters, NAdam's mu_product) as all owners have it.
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object> optimizer(StateCodec.Encoder enc, Map<String, Object> driver, List<Map<String, Object>> slices) {
        Map<String, Object> out = (Map<String, Object>) enc.encode("optimizer", driver);
        List<Object> first = (List<Object>) slices.get(0).get("state");
        List<Object> groups = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            int g = i;
            Map<String, Object> group = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) first.get(i)).entrySet()) {
                String key = e.getKey();
                String path = "optimizer.state[" + i + "]." + key;
                if (e.getValue() instanceof Written) {
                    group.put(key, enc.slices(path, entries(slices, s -> ((Map<String, Object>) ((List<Object>) s.get("state")).get(g)).get(key))));
                    continue;
                }
                for (Map<String, Object> s : slices) {
                    Object v = ((Map<String, Object>) ((List<Object>) s.get("state")).get(g)).get(key);
                    if (!Objects.equals(v, e.getValue())) {
                        throw new IllegalStateException(path + ": slice " + s.get("index") + " has " + v + ", slice 0 " + e.getValue());
                    }
                }
                group.put(key, enc.encode(path, e.getValue()));
            }
            groups.add(group);
        }
        out.put("state", groups);
        return out;
    }

    /** One array's blob entries, slice by slice: file, place, checksum and [from, to) in the whole array. */
    private static List<Map<String, Object>> entries(List<Map<String, Object>> slices,
                                                     Function<Map<String, Object>, Object> pick) {
        List<Map<String, Object>> out = new ArrayList<>();
        long from = 0;
        for (Map<String, Object> s : slices) {
            Written w = (Written) pick.apply(s);
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("file", s.get("file"));
            b.put("offset", w.offset());
            b.put("count", w.count());
            b.put("sha256", w.sha256());
            b.put("from", from);
            b.put("to", from + w.count());
            from += w.count();
            out.add(b);
        }
        return out;
    }
}
