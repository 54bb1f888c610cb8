package dev.sparktrain.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.DoubleBytes;
import dev.sparktrain.train.SliceWriter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkpoint files on any Hadoop file system (docs/CHECKPOINT_FORMAT.md). A checkpoint directory
 * {@code epoch-NNNNNN} holds {@code checkpoint.json} (everything but float arrays, plus the offset,
 * length and SHA-256 of every array) and {@code tensors.bin} (the arrays as raw little-endian
 * float64, back to back). A checkpoint is written into a hidden temporary directory and renamed
 * into place when complete; then the {@code latest} pointer file is replaced; then old
 * checkpoints beyond {@code keep} are deleted. Readers verify lengths and checksums and fall back
 * to the previous checkpoint when the newest is bad.
 */
public final class Checkpoints {
    public static final String FORMAT = "sparktrain-checkpoint";
    public static final int VERSION = 1;
    /** A sharded run's checkpoint: arrays in the owners' slice files (an older reader refuses it cleanly). */
    public static final int SHARDED_VERSION = 2;
    public static final String HEADER = "checkpoint.json";
    public static final String BLOBS = "tensors.bin";
    public static final String LATEST = "latest";
    private static final Pattern NAME = Pattern.compile("epoch-(\\d+)");
    /** A file inside a checkpoint directory: a plain name, never a path. */
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Checkpoints() {
    }

    /** The directory name of the checkpoint after {@code epoch} epochs. */
    public static String name(int epoch) {
        return String.format(Locale.ROOT, "epoch-%06d", epoch);
    }

    /**
     * Writes {@code c} under {@code dir}, points {@code latest} at it, and deletes all but the
     * newest {@code keep} checkpoints (and any checkpoint of a later epoch, which belongs to an
     * abandoned run that this one resumed before). Returns the checkpoint's path.
     */
    public static String write(String dir, Checkpoint c, int keep, Configuration conf) {
        return write(dir, c, keep, conf, null);
    }

    /**
     * Writes a sharded run's checkpoint (version {@value #SHARDED_VERSION}): {@code c.params()} is
     * null and {@code c.optimizer()} holds the optimizer's name and param groups only; the owners
     * write their slices' parameters and optimizer state into the checkpoint's temporary directory
     * ({@code owners} gets a {@link SliceWriter} for it and returns its facts, in slice order). The
     * driver then writes the header and commits as {@link #write(String, Checkpoint, int, Configuration)} does.
     */
    public static String writeSharded(String dir, Checkpoint c, int keep, Configuration conf,
                                      Function<SliceWriter, List<Map<String, Object>>> owners) {
        return write(dir, c, keep, conf, Objects.requireNonNull(owners));
    }

    private static String write(String dir, Checkpoint c, int keep, Configuration conf,
                                Function<SliceWriter, List<Map<String, Object>>> owners) {
        if (keep < 1) throw new IllegalArgumentException("keep must be >= 1");
        try {
            Path root = new Path(dir);
            FileSystem fs = ModelIO.fileSystem(root, conf);
            fs.mkdirs(root);
            String name = name(c.epoch());
            Path tmp = new Path(root, ".tmp-" + name + "-" + UUID.randomUUID().toString().substring(0, 8));
            fs.mkdirs(tmp);
            List<Map<String, Object>> slices = owners == null ? null : owners.apply(new SliceFiles(tmp.toString(), conf));
            StateCodec.Encoder enc = new StateCodec.Encoder();
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("format", FORMAT);
            h.put("version", slices == null ? VERSION : SHARDED_VERSION);
            h.put("epoch", c.epoch());
            h.put("step", c.step());
            h.put("random_state", "none beyond train.seed and epoch: the shuffle order of an epoch is a pure "
                    + "function of (seed, epoch) and the validation split of (seed, row number)");
            h.put("model", c.model());
            h.put("param_count", slices == null ? c.params().length : slices.get(slices.size() - 1).get("to"));
            h.put("tensor_sizes", c.tensorSizes());
            h.put("loss", c.loss());
            h.put("params", slices == null ? enc.blob("params", c.params()) : SliceFiles.params(enc, slices));
            h.put("optimizer", slices == null ? enc.encode("optimizer", c.optimizer()) : SliceFiles.optimizer(enc, c.optimizer(), slices));
            h.put("scheduler", enc.encode("scheduler", c.scheduler()));
            h.put("early_stopping", enc.encode("early_stopping", c.earlyStopping()));
            h.put("data", enc.encode("data", c.data() == null ? null : c.data().toMap()));
            h.put("job", c.job());
            h.put("metrics", enc.encode("metrics", c.metrics()));
            List<Map<String, Object>> blobs = new ArrayList<>();
            long offset = 0;
            try (FSDataOutputStream out = fs.create(new Path(tmp, BLOBS), true)) {
                for (int i = 0; i < enc.blobs.size(); i++) {
                    Map<String, Object> b = new LinkedHashMap<>();
                    b.put("name", enc.names.get(i));
                    if (enc.written.get(i) != null) { // an owner's, in its slice file
                        b.putAll(enc.written.get(i));
                        blobs.add(b);
                        continue;
                    }
                    byte[] bytes = DoubleBytes.encode(enc.blobs.get(i));
                    out.write(bytes);
                    b.put("offset", offset);
                    b.put("count", enc.blobs.get(i).length);
                    b.put("sha256", ModelIO.sha256(bytes));
                    blobs.add(b);
                    offset += bytes.length;
                }
            }
            h.put("blob_file", BLOBS);
            h.put("blob_bytes", offset);
            if (slices != null) h.put("files", SliceFiles.files(slices));
            h.put("blobs", blobs);
            try (FSDataOutputStream out = fs.create(new Path(tmp, HEADER), true)) {
                out.write(JSON.writeValueAsBytes(h));
            }
            Path target = new Path(root, name);
            if (fs.exists(target)) fs.delete(target, true);
            if (!fs.rename(tmp, target)) throw new IOException("rename " + tmp + " -> " + target + " failed");
            ModelIO.writeAtomically(fs, new Path(root, LATEST), (name + "\n").getBytes(StandardCharsets.UTF_8));
            prune(fs, root, c.epoch(), keep);
            return target.toString();
        } catch (IOException e) {
            throw new SparkTrainException("cannot write the checkpoint to " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void prune(FileSystem fs, Path root, int current, int keep) throws IOException {
        List<Integer> epochs = new ArrayList<>();
        for (FileStatus st : fs.listStatus(root)) {
            String n = st.getPath().getName();
            Matcher m = NAME.matcher(n);
            if (st.isDirectory() && m.matches()) epochs.add(Integer.parseInt(m.group(1)));
            else if (st.isDirectory() && n.startsWith(".tmp-epoch-")) fs.delete(st.getPath(), true); // a crashed writer's
        }
        epochs.sort(Comparator.reverseOrder());
        int kept = 0;
        for (int e : epochs) {
            if (e <= current && kept < keep) {
                kept++;
                continue;
            }
            fs.delete(new Path(root, name(e)), true);
        }
    }

    /** Reads and verifies one checkpoint directory; any defect is one {@link SparkTrainException} line. */
    @SuppressWarnings("unchecked")
    public static Checkpoint read(String checkpointDir, Configuration conf) {
        String where = "checkpoint " + checkpointDir;
        try {
            Path d = new Path(checkpointDir);
            FileSystem fs = ModelIO.fileSystem(d, conf);
            Path hp = new Path(d, HEADER);
            if (!fs.exists(hp)) throw new SparkTrainException(where + ": no " + HEADER + " (not a checkpoint)");
            Map<String, Object> h;
            try {
                h = JSON.readValue(ModelIO.readAll(fs, hp), Map.class);
            } catch (IOException e) {
                throw new SparkTrainException(where + ": " + HEADER + " is not valid JSON (" + firstLine(e) + ")");
            }
            if (!FORMAT.equals(h.get("format")) || !(Integer.valueOf(VERSION).equals(h.get("version"))
                    || Integer.valueOf(SHARDED_VERSION).equals(h.get("version")))) {
                throw new SparkTrainException(where + ": expected format " + FORMAT + " version " + VERSION + " or "
                        + SHARDED_VERSION + ", found " + h.get("format") + " version " + h.get("version"));
            }
            Map<String, Long> lengths = new LinkedHashMap<>();
            String blobFile = String.valueOf(h.get("blob_file"));
            lengths.put(blobFile, ((Number) h.get("blob_bytes")).longValue());
            for (Object o : (List<Object>) h.getOrDefault("files", List.of())) {
                Map<String, Object> f = (Map<String, Object>) o;
                lengths.put((String) f.get("name"), ((Number) f.get("bytes")).longValue());
            }
            for (Map.Entry<String, Long> f : lengths.entrySet()) {
                if (!FILE.matcher(f.getKey()).matches()) throw new SparkTrainException(where + ": bad file name '" + f.getKey() + "'");
                Path fp = new Path(d, f.getKey());
                if (!fs.exists(fp)) throw new SparkTrainException(where + ": " + f.getKey() + " is missing");
                long actual = fs.getFileStatus(fp).getLen();
                if (actual != f.getValue()) {
                    throw new SparkTrainException(where + ": " + f.getKey() + " has " + actual + " bytes, expected "
                            + f.getValue() + " (truncated or overwritten)");
                }
            }
            List<Object> entries = (List<Object>) h.get("blobs");
            List<double[]> blobs = new ArrayList<>();
            long[] from = new long[entries.size()];
            Map<String, FSDataInputStream> open = new LinkedHashMap<>();
            Map<String, Long> pos = new LinkedHashMap<>();
            try {
                for (int i = 0; i < entries.size(); i++) {
                    Map<String, Object> b = (Map<String, Object>) entries.get(i);
                    String file = (String) b.getOrDefault("file", blobFile);
                    if (!lengths.containsKey(file)) throw new SparkTrainException(where + ": blob '" + b.get("name") + "' is in unlisted file " + file);
                    long off = ((Number) b.get("offset")).longValue();
                    int count = ((Number) b.get("count")).intValue();
                    if (off != pos.getOrDefault(file, 0L)) {
                        throw new SparkTrainException(where + ": blob '" + b.get("name") + "' is not where expected in " + file);
                    }
                    if (open.get(file) == null) open.put(file, fs.open(new Path(d, file)));
                    byte[] bytes = open.get(file).readNBytes(Math.multiplyExact(count, 8));
                    if (bytes.length != 8 * count) {
                        throw new SparkTrainException(where + ": " + file + " ends inside blob '" + b.get("name") + "'");
                    }
                    if (!ModelIO.sha256(bytes).equals(b.get("sha256"))) {
                        throw new SparkTrainException(where + ": blob '" + b.get("name") + "'"
                                + (file.equals(blobFile) ? "" : " in " + file) + " fails its SHA-256 check (corrupt file)");
                    }
                    from[i] = b.containsKey("from") ? ((Number) b.get("from")).longValue() : -1;
                    if (from[i] >= 0 && ((Number) b.get("to")).longValue() != from[i] + count) {
                        throw new SparkTrainException(where + ": blob '" + b.get("name") + "' in " + file + ": from + count != to");
                    }
                    blobs.add(DoubleBytes.decode(bytes));
                    pos.put(file, off + bytes.length);
                }
            } finally {
                for (FSDataInputStream in : open.values()) in.close();
            }
            double[] params = (double[]) StateCodec.decode(h.get("params"), blobs, from, where);
            if (params.length != ((Number) h.get("param_count")).intValue()) {
                throw new SparkTrainException(where + ": " + params.length + " parameters, header says " + h.get("param_count"));
            }
            Object metrics = StateCodec.decode(h.getOrDefault("metrics", List.of()), blobs, from, where);
            if (!(metrics instanceof List<?> rows) || !rows.stream().allMatch(r -> r instanceof Map<?, ?>)) {
                throw new SparkTrainException(where + ": 'metrics' must be a list of epoch rows");
            }
            List<Integer> ts = (List<Integer>) h.get("tensor_sizes");
            Map<String, String> job = new LinkedHashMap<>();
            ((Map<String, Object>) h.getOrDefault("job", Map.of())).forEach((k, v) -> job.put(k, String.valueOf(v)));
            return new Checkpoint(((Number) h.get("epoch")).intValue(), ((Number) h.get("step")).longValue(),
                    (String) h.get("model"), ts.stream().mapToInt(Integer::intValue).toArray(), (String) h.get("loss"),
                    params,
                    (Map<String, Object>) StateCodec.decode(h.get("optimizer"), blobs, from, where),
                    (Map<String, Object>) StateCodec.decode(h.get("scheduler"), blobs, from, where),
                    (Map<String, Object>) StateCodec.decode(h.get("early_stopping"), blobs, from, where),
                    DataFacts.fromMap(StateCodec.decode(h.get("data"), blobs, from, where)),
                    job,
                    (List<Map<String, Object>>) metrics);
        } catch (SparkTrainException e) {
            throw e;
        } catch (IOException e) {
            throw new SparkTrainException(where + ": cannot read: " + firstLine(e), e);
        } catch (RuntimeException e) { // a header with missing or mistyped fields
            throw new SparkTrainException(where + ": malformed " + HEADER + " (" + e.getClass().getSimpleName() + ": "
                    + firstLine(e) + ")", e);
        }
    }

    /** A checkpoint that was read and accepted, with where it came from. */
    public record Found<T>(String dir, Checkpoint checkpoint, T accepted) {
    }

    /**
     * Finds the checkpoint to resume from. {@code path} is a checkpoint directory (used as is:
     * refused if bad), a directory of checkpoints, or a run's output directory holding
     * {@code checkpoints/}. In a directory of checkpoints the one {@code latest} names is tried
     * first, then the others from newest to oldest; each is read, verified and handed to
     * {@code accept}, which may refuse it by throwing {@link SparkTrainException} (another
     * model, another optimizer). Every refusal is reported to {@code warn}; the first accepted
     * checkpoint wins. None accepted: one line naming the newest refusal.
     */
    public static <T> Found<T> resume(String path, Configuration conf, Function<Checkpoint, T> accept, Consumer<String> warn) {
        List<String> dirs;
        try {
            dirs = candidates(path, conf);
        } catch (IOException e) {
            throw new SparkTrainException("resume " + path + ": cannot list checkpoints: " + firstLine(e), e);
        }
        if (dirs.isEmpty()) throw new SparkTrainException("resume " + path + ": no checkpoints found");
        boolean explicit = isCheckpoint(path, conf);
        String firstRefusal = null;
        for (String dir : dirs) {
            try {
                Checkpoint c = read(dir, conf);
                return new Found<>(dir, c, accept.apply(c));
            } catch (SparkTrainException e) {
                String msg = e.getMessage().startsWith("checkpoint ") ? e.getMessage() : "checkpoint " + dir + ": " + e.getMessage();
                if (explicit) throw new SparkTrainException(msg, e);
                if (firstRefusal == null) firstRefusal = msg;
                warn.accept("refused " + msg);
            }
        }
        throw new SparkTrainException("resume " + path + ": no usable checkpoint; newest: " + firstRefusal);
    }

    private static boolean isCheckpoint(String path, Configuration conf) {
        try {
            Path p = new Path(path);
            return ModelIO.fileSystem(p, conf).exists(new Path(p, HEADER));
        } catch (IOException e) {
            return false;
        }
    }

    /** Checkpoint directories to try, best first (see {@link #resume}). */
    public static List<String> candidates(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        FileSystem fs = ModelIO.fileSystem(p, conf);
        if (!fs.exists(p)) throw new SparkTrainException("resume " + path + ": no such directory");
        if (fs.exists(new Path(p, HEADER))) return List.of(p.toString());
        Path root = p;
        if (!fs.exists(new Path(p, LATEST)) && listEpochs(fs, p).isEmpty() && fs.exists(new Path(p, "checkpoints"))) {
            root = new Path(p, "checkpoints");
        }
        List<String> out = new ArrayList<>();
        Path latest = new Path(root, LATEST);
        if (fs.exists(latest)) {
            String n = new String(ModelIO.readAll(fs, latest), StandardCharsets.UTF_8).strip();
            if (NAME.matcher(n).matches() && fs.exists(new Path(root, n))) out.add(new Path(root, n).toString());
        }
        List<Integer> epochs = listEpochs(fs, root);
        epochs.sort(Comparator.reverseOrder());
        for (int e : epochs) {
            String d = new Path(root, name(e)).toString();
            if (!out.contains(d)) out.add(d);
        }
        return out;
    }

    private static List<Integer> listEpochs(FileSystem fs, Path root) throws IOException {
        List<Integer> epochs = new ArrayList<>();
        if (!fs.getFileStatus(root).isDirectory()) return epochs;
        for (FileStatus st : fs.listStatus(root)) {
            Matcher m = NAME.matcher(st.getPath().getName());
            if (st.isDirectory() && m.matches()) epochs.add(Integer.parseInt(m.group(1)));
        }
        return epochs;
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
