package dev.sparktrain.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.CsvRowParser;
import dev.sparktrain.data.Labels;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.store.SavedModel;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.OptimizerShard;
import dev.sparktrain.optim.lr.Scheduler;
import dev.sparktrain.report.Report;
import dev.sparktrain.train.BlockWorker;
import dev.sparktrain.store.Checkpoint;
import dev.sparktrain.store.Checkpoints;
import dev.sparktrain.store.DataFacts;
import dev.sparktrain.train.EarlyStopping;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.store.MetricsLog;
import dev.sparktrain.store.ModelIO;
import dev.sparktrain.train.SparkTestContext;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile and broken input, fuzzed with a seeded RNG (bounded cases, a few seconds): random and
 * truncated job files and command-line overrides, checkpoints (header, tensors, the latest
 * pointer), saved models, metrics files and CSV rows go into the parsers exactly as a run, a
 * resume, a report or an evaluation would use them. Each case must either work or fail with
 * {@link SparkTrainException} and a one-line message — never another exception type, a hang
 * (each case has a time limit) or a file written or changed by a failed case. A few broken data
 * files go through the real Spark loader. Names in files are never turned into classes: a canary
 * class named in every name field is never loaded, and the sources contain no Java
 * deserialization or reflective class loading.
 */
class HostileInputTest {
    private static final long SEED = Long.getLong("hostile.seed", 20261125L);
    /** More cases for a longer hunt: -Dhostile.scale=10 (CI runs 1: a few seconds per test). */
    private static final int SCALE = Integer.getInteger("hostile.scale", 1);
    private static final Configuration CONF = new Configuration();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    /** Loaded only if something turns a name read from a file into a class. */
    static final AtomicBoolean CANARY = new AtomicBoolean();

    public static final class Canary {
        static {
            CANARY.set(true);
        }

        public Canary() {
            CANARY.set(true);
        }
    }

    static final String CANARY_NAME = Canary.class.getName(); // a class literal does not initialize the class

    @TempDir
    static Path tmp;
    static final List<String> problems = new ArrayList<>();
    static int cases;
    static ExecutorService pool;

    @BeforeAll
    static void startPool() {
        pool = newPool();
    }

    @AfterAll
    static void stopPool() {
        pool.shutdownNow();
    }

    private static ExecutorService newPool() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "hostile-input-case");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs one case: it must return, or throw {@link SparkTrainException} with a one-line message,
     * within {@code seconds}. Anything else is recorded as a problem. Returns true if it worked.
     */
    static boolean attempt(String label, int seconds, Callable<?> c) {
        cases++;
        Future<?> f = pool.submit(c);
        try {
            f.get(seconds, TimeUnit.SECONDS);
            return true;
        } catch (TimeoutException e) {
            f.cancel(true);
            pool = newPool(); // the stuck thread is a daemon; go on with a fresh one
            problems.add(label + ": no answer within " + seconds + " s (hang?)");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            Throwable t = e.getCause();
            if (t instanceof SparkTrainException s) {
                String m = s.getMessage();
                if (m == null || m.isBlank() || m.contains("\n") || m.contains("\r")) problems.add(label + ": not one line: " + m);
            } else {
                StackTraceElement at = t.getStackTrace().length > 0 ? t.getStackTrace()[0] : null;
                StackTraceElement ours = Stream.of(t.getStackTrace()).filter(s -> s.getClassName().startsWith("dev.sparktrain")
                        && !s.getClassName().contains("HostileInputTest")).findFirst().orElse(at);
                problems.add(label + ": " + t.getClass().getName() + ": " + firstLine(t.getMessage()) + " at " + at + " via " + ours);
            }
        }
        return false;
    }

    static void assertNoProblems(String what) {
        List<String> p = new ArrayList<>(problems);
        problems.clear();
        assertFalse(CANARY.get(), "a name from a file was loaded as a class");
        assertTrue(p.isEmpty(), what + ": " + p.size() + " problem(s) in " + cases + " cases:\n  " + String.join("\n  ",
                p.subList(0, Math.min(30, p.size()))));
    }

    static String firstLine(String s) {
        if (s == null) return "null";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    // ------------------------------------------------------------------ mutation tools

    static final List<String> VALUES = List.of("", " ", "-1", "0", "1", "-0", "0.5", "1e309", "-1e309", "1e-400", "NaN",
            "nan", "Infinity", "-inf", "9999999999", "2147483647", "2147483648", "-2147483649", "9223372036854775807", "1e18",
            "0x10", "1_000", "true", "false", "yes", "null", "[]", "[1,2", "(", ")", "=", "==", "#", "linear(64,0)", "linear(0,10)",
            "linear(2147483647,2)", "linear(99999999999,1)", "linear(100000,100000)", "linear(64,128),,relu", "relu",
            "relu, linear(64,10)", "linear(64,10), softmax", "linear(64 ,10)", CANARY_NAME, "java.lang.Runtime",
            "dev.sparktrain.optim.SGD", "dev.sparktrain.nn.MSELoss", "SGD", "Adam", "AdamW", "RMSprop", "NAdam", "StepLR",
            "ReduceLROnPlateau", "SequentialLR", "ChainedScheduler", "OneCycleLR", "CyclicLR", "LambdaLR", "MultiplicativeLR",
            "CrossEntropyLoss", "MSELoss", "BCEWithLogitsLoss", "LinearLR(start_factor=0.1, total_iters=3); CosineAnnealingLR(T_max=27)",
            "StepLR(step_size=0)", CANARY_NAME + "(x=1)", "StepLR(step_size=[1,2)", "Foo(", ";;", "x=y", "a = b = c",
            "${jndi:ldap://127.0.0.1/a}", "../../../../etc/passwd", "/dev/zero", "hdfs://127.0.0.1:1/x", "\u0000", "\u202e",
            "é", "日本", "９", "٣", "csv", "libsvm", "parquet", "json", "orc", "dense", "sparse", "float32", "float16", "auto",
            "index", "last", "val_loss", "val_accuracy", "min", "max", "epoch", "step", "stop", "skip", "2", "3", "0.001",
            "1,2,3", "0.9, 0.999", "0.9,1.5", "[0.9, 0.999]", "1 2", "-5", "100", "1e6", "9".repeat(400),
            "1,".repeat(3000) + "1", "[".repeat(2000), "(".repeat(2000) + ")".repeat(2000));
    static final List<String> KEYS = List.of("data.path", "data.format", "data.header", "data.features", "data.label_column",
            "data.feature_columns", "data.labels", "data.classes", "data.validation_fraction", "data.validation_path",
            "data.partitions", "data.standardize", "data.storage", "data.precision", "model", "loss", "loss.label_smoothing",
            "loss.weight", "loss.pos_weight", "loss.reduction", "optimizer", "optimizer.lr", "optimizer.momentum",
            "optimizer.betas", "optimizer.weight_decay", "optimizer.nesterov", "optimizer.amsgrad", "optimizer.foo", "scheduler",
            "scheduler.T_max", "scheduler.step_size", "scheduler.gamma", "scheduler.milestones", "scheduler.schedulers",
            "scheduler.interval", "scheduler.max_lr", "scheduler.total_steps", "scheduler.base_lr", "scheduler.T_0",
            "scheduler.patience", "param_groups.bias.weight_decay", "param_groups.bias.lr", "clip.max_norm", "clip.norm_type",
            "clip.clip_value", "clip.foo", "train.epochs", "train.batch_size", "train.shuffle", "train.seed", "train.nonfinite",
            "output.dir", "resume", "checkpoint.dir", "checkpoint.every", "checkpoint.keep", "metrics.per_step",
            "early_stopping.monitor", "early_stopping.patience", "early_stopping.min_delta", "early_stopping.mode",
            "early_stopping.restore_best", "spark.master", "x", "optimizer.", "data.", "1abc", "a..b", "loss.weight.x");

    static <T> T pick(Random r, List<T> l) {
        return l.get(r.nextInt(l.size()));
    }

    static String randomChars(Random r, int n) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(10);
            b.append(k < 6 ? (char) (32 + r.nextInt(95)) : k < 8 ? (char) r.nextInt(32) : (char) (128 + r.nextInt(0x3000)));
        }
        return b.toString();
    }

    /** One to three text mutations of a job file. */
    static String mutateJobText(Random r, String text) {
        List<String> lines = new ArrayList<>(text.lines().toList());
        int n = 1 + r.nextInt(3);
        for (int m = 0; m < n; m++) {
            int i = lines.isEmpty() ? 0 : r.nextInt(lines.size());
            switch (r.nextInt(10)) {
                case 0 -> { // truncate
                    String all = String.join("\n", lines);
                    lines = new ArrayList<>(all.substring(0, r.nextInt(all.length() + 1)).lines().toList());
                }
                case 1 -> { if (!lines.isEmpty()) lines.remove(i); }
                case 2 -> { if (!lines.isEmpty()) lines.add(i, lines.get(i)); }
                case 3, 4, 5 -> { // a value replaced
                    if (!lines.isEmpty() && lines.get(i).contains("=")) {
                        String l = lines.get(i);
                        lines.set(i, l.substring(0, l.indexOf('=') + 1) + " " + pick(r, VALUES));
                    }
                }
                case 6 -> { // characters replaced or inserted
                    if (!lines.isEmpty() && !lines.get(i).isEmpty()) {
                        String l = lines.get(i);
                        int at = r.nextInt(l.length());
                        lines.set(i, l.substring(0, at) + randomChars(r, 1 + r.nextInt(3)) + l.substring(at + (r.nextBoolean() ? 1 : 0)));
                    }
                }
                case 7 -> lines.add(pick(r, KEYS) + " = " + pick(r, VALUES));
                case 8 -> { // a key replaced
                    if (!lines.isEmpty() && lines.get(i).contains("=")) {
                        String l = lines.get(i);
                        lines.set(i, pick(r, KEYS) + " " + l.substring(l.indexOf('=')));
                    }
                }
                default -> lines.add(r.nextInt(lines.size() + 1), randomChars(r, r.nextInt(40)));
            }
        }
        return String.join("\n", lines) + (r.nextBoolean() ? "\n" : "");
    }

    /** Every (container, key-or-index) in a JSON tree, containers included. */
    @SuppressWarnings("unchecked")
    static void slots(Object node, List<Object[]> out, int depth) {
        if (depth > 40) return;
        if (node instanceof Map<?, ?> m) {
            for (Object k : new ArrayList<>(m.keySet())) {
                out.add(new Object[] {m, k});
                slots(m.get(k), out, depth + 1);
            }
        } else if (node instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                out.add(new Object[] {l, i});
                slots(l.get(i), out, depth + 1);
            }
        }
    }

    static Object jsonValue(Random r) {
        int k = r.nextInt(22);
        return switch (k) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2 -> r.nextInt(7) - 3;
            case 3 -> List.of(2147483648L, 9_000_000_000_000_000_000L, -9_000_000_000_000_000_000L, 1e308, -1e308, 1e-320).get(r.nextInt(6));
            case 4 -> r.nextGaussian();
            case 5 -> pick(r, VALUES);
            case 6 -> CANARY_NAME;
            case 7 -> new ArrayList<>();
            case 8 -> new LinkedHashMap<>();
            case 9 -> new ArrayList<>(List.of(1, 2, 3));
            case 10 -> new LinkedHashMap<>(Map.of("$blob", r.nextInt(4)));
            case 11 -> new LinkedHashMap<>(Map.of("$blob", List.of(999, -1, "0", 1.5).get(r.nextInt(4))));
            case 12 -> new LinkedHashMap<>(Map.of("$float", List.of("NaN", "Infinity", "-Infinity", "bogus").get(r.nextInt(4))));
            case 13 -> new LinkedHashMap<>(Map.of("@class", CANARY_NAME, "value", 1));
            case 14 -> new ArrayList<>(List.of(CANARY_NAME, new LinkedHashMap<>()));
            case 15 -> {
                Object deep = 1;
                for (int i = 0; i < 300; i++) deep = new ArrayList<>(List.of(deep));
                yield deep;
            }
            case 16 -> randomChars(r, 1 + r.nextInt(20));
            case 17 -> new LinkedHashMap<>(Map.of("kind", "epoch", "epoch", r.nextInt(5)));
            default -> r.nextInt(100_000) - 50_000;
        };
    }

    /** One to three structural mutations of a JSON document. */
    @SuppressWarnings("unchecked")
    static Object mutateJson(Random r, Object doc) {
        int n = 1 + r.nextInt(3);
        for (int m = 0; m < n; m++) {
            List<Object[]> s = new ArrayList<>();
            slots(doc, s, 0);
            if (s.isEmpty()) return jsonValue(r);
            Object[] slot = s.get(r.nextInt(s.size()));
            int what = r.nextInt(6);
            if (slot[0] instanceof Map<?, ?> mm) {
                Map<Object, Object> map = (Map<Object, Object>) mm;
                Object cur = map.get(slot[1]);
                switch (what) {
                    case 0 -> map.remove(slot[1]);
                    case 1 -> map.put(pick(r, List.of("extra", "$blob", "$float", "@class", "optimizer", "scheduler", "step")), jsonValue(r));
                    case 2 -> map.put(slot[1], nudge(r, cur));
                    default -> map.put(slot[1], jsonValue(r));
                }
            } else {
                List<Object> list = (List<Object>) slot[0];
                int i = (Integer) slot[1];
                switch (what) {
                    case 0 -> list.remove(i);
                    case 1 -> list.add(i, jsonValue(r));
                    case 2 -> list.set(i, nudge(r, list.get(i)));
                    default -> list.set(i, jsonValue(r));
                }
            }
        }
        return doc;
    }

    static Object nudge(Random r, Object v) {
        if (v instanceof Integer i) return List.of(i + 1, i - 1, -i, i * 2, Integer.MAX_VALUE, 0).get(r.nextInt(6));
        if (v instanceof Long l) return List.of(l + 1, l - 1, -l, Long.MAX_VALUE).get(r.nextInt(4));
        if (v instanceof Double d) return List.of(d * 2, -d, d * 1e300, 0.0, d + 1e-9).get(r.nextInt(5));
        if (v instanceof String s) return s.isEmpty() ? "x" : s.substring(0, r.nextInt(s.length()));
        return jsonValue(r);
    }

    static byte[] mutateBytes(Random r, byte[] b) {
        byte[] out = b.clone();
        switch (r.nextInt(5)) {
            case 0 -> out = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
            case 1 -> {
                if (out.length > 0) out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
            }
            case 2 -> {
                out = java.util.Arrays.copyOf(b, b.length + 1 + r.nextInt(64));
                for (int i = b.length; i < out.length; i++) out[i] = (byte) r.nextInt(256);
            }
            case 3 -> {
                for (int k = 0; k < 8 && out.length > 0; k++) out[r.nextInt(out.length)] = (byte) r.nextInt(256);
            }
            default -> out = new byte[0];
        }
        return out;
    }

    // ------------------------------------------------------------------ file snapshots

    /** Every file under dir with its SHA-256: a failed case must leave it as it was. */
    static Map<String, String> snapshot(Path dir) {
        Map<String, String> m = new TreeMap<>();
        if (!Files.exists(dir)) return m;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                if (Files.isRegularFile(p)) {
                    m.put(dir.relativize(p).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                } else if (Files.isDirectory(p)) {
                    m.put(dir.relativize(p) + "/", "dir");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    static void copyTree(Path src, Path dst) throws IOException {
        JobRuns.copyTree(src, dst);
    }

    static String baseJob() throws IOException {
        return Files.readString(Path.of("conf/digits-mlp.conf"));
    }

    /** A job touching every key group (a bias group, early stopping, skip, a composite scheduler). */
    static final String FULL_JOB = String.join("\n",
            "data.path = /nonexistent/x.csv", "data.format = csv", "data.header = true", "data.features = 4",
            "data.label_column = y", "data.feature_columns = a, b, c, d", "data.labels = cat, dog, emu", "data.classes = 3",
            "data.validation_fraction = 0.25", "data.partitions = 3", "data.standardize = true", "data.storage = dense",
            "data.precision = float32", "model = linear(4,8), tanh, linear(8,3)", "loss = CrossEntropyLoss",
            "loss.label_smoothing = 0.1", "loss.weight = 1, 2, 1", "optimizer = SGD", "optimizer.lr = 0.1",
            "optimizer.momentum = 0.9", "optimizer.nesterov = true", "param_groups.bias.weight_decay = 0",
            "scheduler = SequentialLR", "scheduler.schedulers = LinearLR(start_factor=0.1, total_iters=3); StepLR(step_size=2, gamma=0.5)",
            "scheduler.milestones = 3", "clip.clip_value = 0.5", "train.epochs = 3", "train.batch_size = 0",
            "train.shuffle = false", "train.seed = 9", "train.nonfinite = skip", "checkpoint.every = 2", "checkpoint.keep = 3",
            "metrics.per_step = true", "early_stopping.monitor = val_accuracy", "early_stopping.patience = 2",
            "early_stopping.min_delta = 0.001", "early_stopping.mode = max", "early_stopping.restore_best = true",
            "output.dir = /nonexistent/out", "");

    // ------------------------------------------------------------------ job files

    @Test
    void randomAndTruncatedJobFilesAndOverridesWorkOrFailInOneLine() throws IOException {
        Random r = new Random(SEED);
        List<String> bases = List.of(baseJob(), Files.readString(Path.of("conf/digits-warmup-cosine.conf")), FULL_JOB);
        Path out = tmp.resolve("job-out");
        int worked = 0;
        for (int i = 0; i < 700 * SCALE; i++) {
            String text = mutateJobText(r, pick(r, bases));
            Path f = tmp.resolve("job-" + i + ".conf");
            Files.writeString(f, text, StandardCharsets.UTF_8);
            String label = "job file #" + i + " " + abbreviate(text);
            if (attempt(label, 10, () -> new TrainJob(Main.parse(new String[] {f.toString(), "output.dir=" + out})))) worked++;
        }
        for (int i = 0; i < 300 * SCALE; i++) {
            List<String> args = new ArrayList<>(List.of("conf/digits-mlp.conf"));
            for (int k = 0; k < 1 + r.nextInt(4); k++) {
                args.add(r.nextInt(8) == 0 ? randomChars(r, r.nextInt(30)) : pick(r, KEYS) + "=" + pick(r, VALUES));
            }
            args.add("output.dir=" + out);
            if (attempt("overrides " + abbreviate(String.join(" ", args)), 10, () -> new TrainJob(Main.parse(args.toArray(new String[0]))))) {
                worked++;
            }
        }
        // raw bytes: not UTF-8, NUL, a huge line
        byte[][] raw = {{(byte) 0xff, (byte) 0xfe, 0, 0x41}, new byte[10_000], ("model = " + "linear(1,1),".repeat(100_000)).getBytes(StandardCharsets.UTF_8)};
        for (int i = 0; i < raw.length; i++) {
            Path f = tmp.resolve("raw-" + i + ".conf");
            Files.write(f, raw[i]);
            attempt("raw job file #" + i, 10, () -> new TrainJob(Main.parse(new String[] {f.toString()})));
        }
        assertFalse(Files.exists(out), "building a job writes nothing");
        assertTrue(worked > 50, "some mutations are harmless and must still work: " + worked);
        assertNoProblems("job files");
    }

    static String abbreviate(String s) {
        String one = s.replace("\n", "\\n");
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }

    @Test
    void namesInJobFilesAreNeverClassNames() {
        String base = "conf/digits-mlp.conf";
        List<String[]> cases = List.of(
                new String[] {base, "optimizer=" + CANARY_NAME}, new String[] {base, "optimizer=dev.sparktrain.optim.SGD"},
                new String[] {base, "scheduler=" + CANARY_NAME}, new String[] {base, "scheduler=dev.sparktrain.optim.lr.StepLR"},
                new String[] {base, "loss=" + CANARY_NAME}, new String[] {base, "loss=dev.sparktrain.nn.MSELoss"},
                new String[] {base, "model=" + CANARY_NAME}, new String[] {base, "data.format=" + CANARY_NAME},
                new String[] {base, "data.format=org.apache.spark.sql.execution.datasources.parquet.ParquetFileFormat"},
                new String[] {base, "scheduler=ChainedScheduler", "scheduler.T_max=1", "scheduler.eta_min=0",
                    "scheduler.schedulers=" + CANARY_NAME + "(step_size=1)"});
        for (String[] a : cases) {
            SparkTrainException e = assertThrows(SparkTrainException.class, () -> new TrainJob(Main.parse(a)), String.join(" ", a));
            assertTrue(e.getMessage().contains("unknown") || e.getMessage().contains("expected one of")
                    || e.getMessage().contains("expected Name(option=value, ...)"), e.getMessage());
        }
        assertFalse(CANARY.get(), "no name from a job file is loaded as a class");
    }

    @Test
    void sourcesHaveNoJavaDeserializationOrReflectiveClassLoading() throws IOException {
        List<String> forbidden = List.of("ObjectInputStream", "readObject(", "readUnshared(", "Class.forName", "loadClass(",
                "newInstance(", "enableDefaultTyping", "activateDefaultTyping", "JsonTypeInfo", "XMLDecoder", "ScriptEngine",
                "SerializationUtils", "getDeclaredConstructor", "getMethod(");
        List<String> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Path.of("src/main/java"))) {
            for (Path p : s.filter(x -> x.toString().endsWith(".java")).toList()) {
                String text = Files.readString(p);
                for (String f : forbidden) if (text.contains(f)) found.add(p + ": " + f);
            }
        }
        assertEquals(List.of(), found, "user files are read as JSON/text/float64 only: no Java deserialization, no class by name");
    }

    // ------------------------------------------------------------------ checkpoints

    /** A job per optimizer/scheduler family; each writes one realistic checkpoint to fuzz. */
    static final List<String[]> CHECKPOINT_JOBS = List.of(
            new String[] {"conf/digits-mlp.conf", "model=linear(64,4), relu, linear(4,10)"},
            new String[] {"conf/digits-warmup-cosine.conf", "model=linear(64,4), relu, linear(4,10)"},
            new String[] {"conf/digits-mlp.conf", "model=linear(64,3), tanh, linear(3,10)", "optimizer=SGD", "optimizer.lr=0.1",
                "optimizer.momentum=0.9", "optimizer.nesterov=true", "scheduler=ReduceLROnPlateau", "scheduler.T_max=",
                "scheduler.eta_min=", "early_stopping.monitor=val_loss", "early_stopping.restore_best=true"},
            new String[] {"conf/digits-mlp.conf", "model=linear(64,10)", "optimizer=RMSprop", "optimizer.centered=true",
                "optimizer.momentum=0.5", "scheduler=CyclicLR", "scheduler.T_max=", "scheduler.eta_min=", "scheduler.base_lr=0.001",
                "scheduler.max_lr=0.01", "scheduler.step_size_up=3"},
            new String[] {"conf/digits-mlp.conf", "model=linear(64,10)", "optimizer=Adagrad", "scheduler=CosineAnnealingWarmRestarts",
                "scheduler.T_max=", "scheduler.T_0=2", "scheduler.T_mult=2"},
            new String[] {"conf/digits-mlp.conf", "model=linear(64,10)", "optimizer=NAdam", "scheduler=ChainedScheduler",
                "scheduler.T_max=", "scheduler.eta_min=", "scheduler.schedulers=StepLR(step_size=2); ExponentialLR(gamma=0.9)"},
            new String[] {"conf/digits-mlp.conf", "model=linear(64,10)", "optimizer=RAdam", "scheduler=OneCycleLR",
                "scheduler.T_max=", "scheduler.eta_min=", "scheduler.max_lr=0.01", "scheduler.total_steps=50"},
            new String[] {"conf/digits-mlp.conf", "model=linear(64,10)", "optimizer=Adadelta", "scheduler=MultiStepLR",
                "scheduler.T_max=", "scheduler.eta_min=", "scheduler.milestones=1,3"},
            new String[] {"conf/digits-mlp.conf", "model=linear(64,10)", "optimizer=Adamax", "optimizer.weight_decay=0.1",
                "scheduler=PolynomialLR", "scheduler.T_max=", "scheduler.eta_min=", "scheduler.power=2"},
            new String[] {"conf/digits-mlp.conf", "model=linear(64,10)", "optimizer=AdamW", "optimizer.amsgrad=true",
                "scheduler=", "scheduler.T_max=", "scheduler.eta_min="});

    /** Job arguments without the empty overrides (key= means: drop the key). */
    static String[] jobArgs(String[] spec, String... more) throws IOException {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of(spec[0]))) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            kv.put(l.substring(0, l.indexOf('=')).strip(), l.substring(l.indexOf('=') + 1).strip());
        }
        for (int i = 1; i < spec.length; i++) {
            String k = spec[i].substring(0, spec[i].indexOf('='));
            String v = spec[i].substring(spec[i].indexOf('=') + 1);
            if (v.isEmpty()) kv.remove(k);
            else kv.put(k, v);
        }
        for (String m : more) kv.put(m.substring(0, m.indexOf('=')), m.substring(m.indexOf('=') + 1));
        Path f = Files.createTempFile(tmp, "ckjob", ".conf");
        StringBuilder b = new StringBuilder();
        kv.forEach((k, v) -> b.append(k).append(" = ").append(v).append('\n'));
        Files.writeString(f, b);
        return new String[] {f.toString()};
    }

    /**
     * Writes the checkpoint a run of {@code spec} would write after 3 epochs ({@code sharded}: as a
     * sharded run's owners would, version 2); returns the run directory.
     */
    static Path writeCheckpoint(String[] spec, Path run, boolean sharded) throws IOException {
        String[] args = jobArgs(spec, "output.dir=" + run);
        JobConfig cfg = Main.parse(args);
        TrainJob job = new TrainJob(cfg);
        Sequential model = Sequential.parse(cfg.model, "model");
        double[] p = job.initialParams().clone();
        Random r = new Random(1);
        Optimizer o = job.optimizer();
        Scheduler s = job.scheduler();
        EarlyStopping es = job.earlyStopping();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int e = 1; e <= 3; e++) {
            for (int k = 0; k < 4; k++) {
                double[] g = new double[p.length];
                for (int i = 0; i < g.length; i++) g[i] = r.nextGaussian();
                o.step(p, g);
                if (s != null && s.naturalInterval() == Scheduler.Interval.STEP) s.step(0.5);
            }
            EpochStats st = new EpochStats(e, 4L * e, 1.0 / e, 0.5, 1.2 / e, 0.6, new double[] {o.paramGroups().get(0).lr()}, 0.3, 1, 100);
            if (s != null && s.naturalInterval() == Scheduler.Interval.EPOCH) s.step(st.valLoss());
            if (es != null) es.update(st, p);
            rows.add(MetricsLog.epochRow(st, false));
        }
        DataFacts data = new DataFacts(cfg.data.path(), 1434, 363, new double[64], new double[64]);
        if (!sharded) {
            Checkpoints.write(cfg.run.checkpointDir, new Checkpoint(3, 12, model.spec(), model.tensorSizes(), "CrossEntropyLoss", p,
                    o.state(), s == null ? null : s.state(), es == null ? null : es.state(), data, cfg.resolved(), rows), 2, CONF);
            return run;
        }
        // version 2: three owners' slice files, as a sharded run writes them
        Map<String, Object> full = o.state();
        Map<String, Object> driver = new LinkedHashMap<>(Map.of("optimizer", o.name()));
        driver.put("param_groups", OptimizerShard.hypers(o));
        int[] bounds = {0, p.length / 3, 2 * p.length / 3, p.length};
        Checkpoints.writeSharded(cfg.run.checkpointDir, new Checkpoint(3, 12, model.spec(), model.tensorSizes(), "CrossEntropyLoss",
                null, driver, s == null ? null : s.state(), es == null ? null : es.state(), data, cfg.resolved(), rows), 2, CONF, w -> {
            List<Map<String, Object>> facts = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                facts.add(w.write(k, bounds[k], bounds[k + 1], java.util.Arrays.copyOfRange(p, bounds[k], bounds[k + 1]),
                        OptimizerShard.of(o, full, bounds[k], bounds[k + 1]).state()));
            }
            return facts;
        });
        return run;
    }

    /** Uses a restored job as training would: steps, scheduler steps, early stopping, the next checkpoint. */
    static void exercise(TrainJob job, Checkpoint c, Path scratch) {
        double[] p = job.initialParams().clone();
        double[] g = new double[p.length];
        java.util.Arrays.fill(g, 0.01);
        for (int k = 0; k < 3; k++) {
            job.optimizer().step(p, g);
            if (job.scheduler() != null) job.scheduler().step(0.5);
        }
        c.metrics().forEach(MetricsLog::toStats);
        EarlyStopping es = job.earlyStopping();
        if (es != null) {
            es.update(new EpochStats(c.epoch() + 1, c.step() + 4, 0.5, 0.5, 0.5, 0.5, new double[] {0.1}, 1, 1, 1), p);
            es.restore(p);
        }
        Checkpoints.write(scratch.toString(), new Checkpoint(c.epoch() + 1, c.step() + 4, c.model(), c.tensorSizes(), c.loss(), p,
                job.optimizer().state(), job.scheduler() == null ? null : job.scheduler().state(),
                es == null ? null : es.state(), c.data(), c.job(), c.metrics()), 1, CONF);
    }

    @Test
    @SuppressWarnings("unchecked")
    void corruptAndHostileCheckpointsAreRefusedInOneLineAndNeverWritten() throws Exception {
        Random r = new Random(SEED + 1);
        List<Path> bases = new ArrayList<>();
        int jobs = CHECKPOINT_JOBS.size();
        for (int b = 0; b < 2 * jobs; b++) {
            bases.add(writeCheckpoint(CHECKPOINT_JOBS.get(b % jobs), tmp.resolve("ck-base-" + b), b >= jobs));
        }
        int accepted = 0;
        for (int i = 0; i < 300 * SCALE; i++) {
            int b = r.nextInt(bases.size());
            int j = b % jobs;
            Path run = tmp.resolve("ck-" + i);
            copyTree(bases.get(b), run);
            List<String> bins;
            try (Stream<Path> files = Files.list(run.resolve("checkpoints/epoch-000003"))) {
                bins = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".bin")).sorted().toList();
            }
            Path ck = run.resolve("checkpoints/epoch-000003");
            String what;
            int kind = r.nextInt(10);
            if (kind < 6) {
                Object h = JSON.readValue(ck.resolve("checkpoint.json").toFile(), Object.class);
                Object m = mutateJson(r, h);
                Files.write(ck.resolve("checkpoint.json"), JSON.writeValueAsBytes(m));
                what = "checkpoint.json tree mutation";
            } else if (kind < 8) {
                Path f = ck.resolve(kind == 6 ? "checkpoint.json" : pick(r, bins));
                Files.write(f, mutateBytes(r, Files.readAllBytes(f)));
                what = f.getFileName() + " bytes";
            } else if (kind == 8) {
                Files.writeString(run.resolve("checkpoints/latest"), pick(r, List.of("", "epoch-999999\n", "../../etc\n",
                        "epoch-000003\u0000", randomChars(r, 20), "epoch-000002\n", CANARY_NAME)));
                Files.deleteIfExists(ck.resolve(r.nextBoolean() ? pick(r, bins) : "checkpoint.json"));
                what = "latest/missing file";
            } else {
                Files.write(ck.resolve("checkpoint.json"), pick(r, List.of("null", "[]", "1", "\"x\"", "{}", "{\"format\":\"sparktrain-checkpoint\",\"version\":1}",
                        "{\"@class\":\"" + CANARY_NAME + "\"}", "[\"" + CANARY_NAME + "\",{}]")).getBytes(StandardCharsets.UTF_8));
                what = "checkpoint.json replaced";
            }
            Map<String, String> before = snapshot(run);
            String[] args = jobArgs(CHECKPOINT_JOBS.get(j), "output.dir=" + run, "resume=" + run);
            String label = "checkpoint #" + i + " of job " + j + " (" + what + ")";
            attempt(label + " read", 10, () -> Checkpoints.read(ck.toString(), CONF));
            Path scratch = tmp.resolve("ck-scratch-" + i);
            if (attempt(label + " resume", 10, () -> {
                TrainJob job = new TrainJob(Main.parse(args));
                Checkpoint c = job.resume(CONF, QUIET);
                exercise(job, c, scratch);
                return null;
            })) {
                accepted++;
            }
            attempt(label + " job from checkpoint", 10, () -> new TrainJob(Main.parse(new String[] {"--resume", run.toString()})));
            assertEquals(before, snapshot(run), label + ": reading or refusing a checkpoint changed files");
        }
        assertTrue(accepted > 20, "many mutations leave a usable checkpoint (a fallback or harmless change): " + accepted);
        assertNoProblems("checkpoints");
    }

    // ------------------------------------------------------------------ saved models and metrics

    static Path saveModel(Path dir) throws IOException {
        Sequential model = Sequential.parse("linear(4,5), relu, linear(5,3)", "m");
        double[] p = model.initParams(3);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("model", model.spec());
        d.put("loss", "CrossEntropyLoss");
        d.put("loss_options", Map.of("label_smoothing", 0.1));
        d.put("features", 4);
        d.put("classes", 3);
        d.put("tensor_sizes", model.tensorSizes());
        d.put("labels", List.of("a", "b", "c"));
        d.put("storage", "dense float64");
        d.put("standardize", Map.of("mean", new double[] {0, 1, 2, 3}, "std", new double[] {1, 1, 2, 2}, "centered", true));
        d.put("job", Map.of("data.path", "/x.csv", "data.features", "4", "data.classes", "3"));
        List<EpochStats> epochs = new ArrayList<>();
        for (int e = 1; e <= 3; e++) {
            epochs.add(new EpochStats(e, 4L * e, 1.0 / e, 0.5, 1.1 / e, 0.6, new double[] {0.1}, 0.2, 1, 10));
        }
        List<Map<String, Object>> history = MetricsLog.historyRows(epochs, false);
        d.put("history", history);
        ModelIO.save(dir.toString(), d, p, CONF);
        StringBuilder jsonl = new StringBuilder();
        for (Map<String, Object> row : history) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("kind", "epoch");
            m.putAll(row);
            jsonl.append(JSON.writeValueAsString(m)).append('\n');
        }
        Files.writeString(dir.resolve(MetricsLog.JSONL), jsonl);
        return dir;
    }

    /** Uses a loaded model as evaluate/predict would: scale a block of rows and run the network. */
    static void use(SavedModel m) {
        int d = m.model().inFeatures();
        if (d > 100_000) return;
        PackedBlock b = PackedBlock.dense(0, 2, d, 1, new double[2 * d], new double[] {0, 1});
        if (m.standardizer() != null) b = b.scaled(m.standardizer());
        new BlockWorker(m.model(), m.loss()).forward(b, 0, 2, m.params());
    }

    @Test
    void corruptModelFilesAndMetricsAreRefusedInOneLineAndReportsAreNeverHalfWritten() throws Exception {
        Random r = new Random(SEED + 2);
        Path base = saveModel(tmp.resolve("model-base"));
        for (int i = 0; i < 250 * SCALE; i++) {
            Path dir = tmp.resolve("model-" + i);
            copyTree(base, dir);
            int kind = r.nextInt(10);
            String what;
            if (kind < 5) {
                Object m = mutateJson(r, JSON.readValue(dir.resolve("model.json").toFile(), Object.class));
                Files.write(dir.resolve("model.json"), JSON.writeValueAsBytes(m));
                what = "model.json tree";
            } else if (kind < 8) {
                String f = pick(r, List.of("model.json", "params.bin", MetricsLog.JSONL));
                Files.write(dir.resolve(f), mutateBytes(r, Files.readAllBytes(dir.resolve(f))));
                what = f + " bytes";
            } else {
                List<String> lines = new ArrayList<>(Files.readAllLines(dir.resolve(MetricsLog.JSONL)));
                int at = r.nextInt(lines.size());
                lines.set(at, r.nextBoolean() ? JSON.writeValueAsString(mutateJson(r, JSON.readValue(lines.get(at), Object.class)))
                        : pick(r, List.of("null", "[]", "3", "{", "{\"kind\":\"epoch\"}", "{\"kind\":\"epoch\",\"epoch\":\"x\"}",
                            "{\"kind\":\"epoch\",\"epoch\":1e308,\"step\":-1}", randomChars(r, 30))));
                Files.write(dir.resolve(MetricsLog.JSONL), lines);
                what = "metrics.jsonl line";
            }
            String label = "model #" + i + " (" + what + ")";
            Map<String, String> before = snapshot(dir);
            attempt(label + " load", 10, () -> ModelIO.load(dir.toString(), CONF));
            attempt(label + " saved model", 10, () -> {
                use(SavedModel.load(dir.toString(), CONF));
                return null;
            });
            attempt(label + " metrics", 10, () -> MetricsLog.read(dir.toString(), CONF));
            assertEquals(before, snapshot(dir), label + ": loading changed files");
            boolean ok = attempt(label + " report", 20, () -> Report.write(dir.toString(), CONF));
            Map<String, String> after = snapshot(dir);
            if (ok) {
                after.remove(Report.HTML);
                after.remove(Report.PNG);
            }
            assertEquals(before, after, label + ": a report " + (ok ? "wrote more than its two files" : "that failed left files behind"));
        }
        assertNoProblems("model files and metrics");
    }

    // ------------------------------------------------------------------ data rows

    @Test
    void randomAndBrokenCsvRowsParseOrFailInOneLine() throws IOException {
        Random r = new Random(SEED + 3);
        List<String> rows = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of("data/digits.csv.gz")))) {
            new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().limit(50).forEach(rows::add);
        }
        CsvRowParser[] parsers = {
            new CsvRowParser("digits.csv", 64, -1, -1, null, Labels.indices(10)),
            new CsvRowParser("digits.csv", 64, 65, 64, null, Labels.indices(10)),
            new CsvRowParser("named.csv", 3, -1, 1, new int[] {0, 2, 5}, Labels.named(List.of("0", "1", "cat"))),
            new CsvRowParser("regression.csv", 64, -1, -1, null, Labels.indices(0)),
        };
        List<String> fields = List.of("", " ", "nan", "NaN", "1e999", "-1e999", "Infinity", "-", "+", ".", "0x1p3", "1d", "1f",
                " 3 ", "\t", "９", "٣", "10", "-1", "3.5", "1e2", "cat", "CAT", "\"3\"", "'3'", "1,5", "1;5", "\u0000", "1e-400",
                "99999999999999999999", "0.0000000000000000000001", "9".repeat(500));
        int worked = 0;
        for (int i = 0; i < 4000 * SCALE; i++) {
            String line = pick(r, rows);
            String[] cols = line.split(",", -1);
            switch (r.nextInt(6)) {
                case 0 -> line = line.substring(0, r.nextInt(line.length() + 1));
                case 1 -> {
                    cols[r.nextInt(cols.length)] = pick(r, fields);
                    line = String.join(",", cols);
                }
                case 2 -> line = line + "," + pick(r, fields);
                case 3 -> line = line.replaceFirst(",", r.nextBoolean() ? "" : ",,");
                case 4 -> line = randomChars(r, r.nextInt(200));
                default -> {
                    int at = r.nextInt(line.length() + 1);
                    line = line.substring(0, at) + randomChars(r, 1 + r.nextInt(4)) + line.substring(at);
                }
            }
            String l = line;
            CsvRowParser p = parsers[r.nextInt(parsers.length)];
            if (attempt("csv row " + abbreviate(l), 5, () -> {
                double[] x = new double[64];
                double y = p.parse(l, 7, x);
                for (double v : x) if (!Double.isFinite(v)) throw new IllegalStateException("a non-finite feature was accepted: " + v);
                if (!Double.isFinite(y)) throw new IllegalStateException("a non-finite label was accepted: " + y);
                return p.labelText(l, 7);
            })) {
                worked++;
            }
        }
        assertTrue(worked > 100, "unharmed rows still parse: " + worked);
        assertNoProblems("csv rows");
    }

    /** Broken data files through the real loader (Spark): one line, and nothing written to output.dir. */
    @Test
    void brokenDataFilesStopTheJobInOneLineBeforeAnyOutput() throws IOException {
        byte[] digits = Files.readAllBytes(Path.of("data/digits.csv.gz"));
        Random r = new Random(SEED + 4);
        byte[] garbage = new byte[4096];
        r.nextBytes(garbage);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("truncated.csv.gz", java.util.Arrays.copyOf(digits, digits.length / 2));
        files.put("garbage.csv", garbage);
        files.put("garbage.csv.gz", garbage);
        files.put("nul.csv", new byte[1000]);
        files.put("empty.csv", new byte[0]);
        files.put("wide.csv", ("1,".repeat(200_000) + "1\n").getBytes(StandardCharsets.UTF_8));
        files.put("crlf.csv", "1,2,3\r\n4,5,6\r\n".getBytes(StandardCharsets.UTF_8));
        List<String[]> jobs = new ArrayList<>();
        for (String f : files.keySet()) jobs.add(new String[] {f, "data.format=csv"});
        jobs.add(new String[] {"garbage.csv", "data.format=parquet"});
        jobs.add(new String[] {"garbage.csv", "data.format=libsvm"});
        jobs.add(new String[] {"garbage.csv", "data.format=json"});
        for (Map.Entry<String, byte[]> e : files.entrySet()) Files.write(tmp.resolve(e.getKey()), e.getValue());
        int i = 0;
        for (String[] j : jobs) {
            Path out = tmp.resolve("data-out-" + i++);
            String[] args = {"conf/digits-mlp.conf", "data.path=" + tmp.resolve(j[0]), j[1], "train.epochs=1", "output.dir=" + out};
            boolean trained = attempt("data file " + String.join(" ", j), 120,
                    () -> new TrainJob(Main.parse(args)).run(SparkTestContext.get(), QUIET));
            assertFalse(trained, "broken data file " + j[0] + " (" + j[1] + ") was trained on");
            assertFalse(Files.exists(out.resolve("model.json")) || Files.exists(out.resolve("checkpoints")), out.toString());
        }
        assertNoProblems("data files");
    }
}
