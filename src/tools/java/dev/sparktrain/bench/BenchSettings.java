package dev.sparktrain.bench;

import dev.sparktrain.SparkTrainException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The benchmark's settings, from {@code ./bench.sh [quick] [key=value ...]}: a field per key, the
 * defaults of a full run and of {@code quick} (tiny sizes that only check that everything runs).
 * {@code spark.*} keys are passed to SparkConf as given ({@link #sparkConf}).
 *
 * @param float32Batches the {@code float32} section's MLP batches
 * @param floorD       empty: the floor at the models' sizes and at 1M; else only at these d
 * @param scaleWarmPass a first pass over all N whose epochs are not kept
 * @param torch        the PyTorch figures file written by bench.sh ({@code ""}: none)
 * @param quietWait    seconds to wait for the machine to calm down before a measurement
 * @param asText       every key's value as given, in key order, for the report's settings line
 */
record BenchSettings(String master, long rows, int features, int partitions, long seed, List<Long> batches,
                     List<Long> float32Batches, List<String> modes, List<String> sections, int floorReps, List<Integer> floorD, int floorWarm,
                     int floorBigReps, List<ProbeCase> probe, int probeSteps, int probeWarm, String bigModel,
                     int bigBatch, int bigSteps, int mllibSgdIters, int mllibMlpIters, List<Long> scale,
                     String scaleModel, long scaleBatch, int scaleEpochs, long scaleTimedRows, int scalePasses,
                     boolean scaleWarmPass, long lineageRows, String torch, double quiet, long quietWait, int retries,
                     double lr, double maxNorm, boolean quick, Map<String, String> sparkConf,
                     Map<String, String> asText) {

    BenchSettings {
        if (modes.isEmpty()) throw new SparkTrainException("bench: modes: 'shuffle' and/or 'contiguous', got ''");
    }

    /** One per-phase breakdown to run: which model ({@code logreg} or {@code mlp}) at which batch. */
    record ProbeCase(String model, long batch) {
    }

    /** A key with its default in a full run and in {@code quick}. */
    private record Key(String name, String full, String quick) {
        Key(String name, String both) {
            this(name, both, both);
        }
    }

    private static final List<Key> KEYS = List.of(
            new Key("master", "local[2]"),
            new Key("rows", "1000000", "20000"),
            new Key("features", "100"),
            new Key("partitions", "0"), // 0: Spark's default parallelism
            new Key("seed", "42"),
            new Key("batches", "1024,10000,100000,0"), // 0 (or >= rows): full batch
            new Key("float32.batches", "10000,100000"),
            new Key("modes", "shuffle,contiguous"),
            new Key("sections", "floor,train,float32,probe,big,mllib,lineage,scale,transform"),
            new Key("floor.reps", "40", "5"),
            new Key("floor.d", ""),
            new Key("floor.warm", "10", "2"),
            new Key("floor.bigreps", "15", "1"),
            new Key("probe", "logreg:1024,mlp:10000,mlp:0"),
            new Key("probe.steps", "30", "3"),
            new Key("probe.warm", "5", "1"),
            new Key("big.model", "linear(100,1000), relu, linear(1000,900), relu, linear(900,2)"),
            new Key("big.batch", "1024"),
            new Key("big.steps", "20", "2"),
            new Key("mllib.sgd.iters", "20", "3"),
            new Key("mllib.mlp.iters", "5", "1"),
            new Key("scale", "500000,1000000,2000000,4000000", "10000,20000,40000"),
            new Key("scale.model", "mlp"),
            new Key("scale.batch", "10000", "1024"),
            new Key("scale.epochs", "3", "1"),
            new Key("scale.timed_rows", "8000000", "0"),
            new Key("scale.passes", "3", "1"),
            new Key("scale.warm_pass", "1", "0"),
            new Key("lineage.rows", "200000", "20000"),
            new Key("torch", ""),
            new Key("quiet", "0.25", "1"), // the share of the CPUs other processes may use while we measure
            new Key("quiet.wait", "120"),
            new Key("retries", "2"),
            new Key("lr", "0.001"),
            new Key("max_norm", "1.0"));

    /**
     * Parses {@code quick} and {@code key=value} arguments over the defaults; refuses a malformed
     * argument, an unknown key or a bad value with a one-line {@link SparkTrainException}.
     */
    static BenchSettings parse(String... args) {
        boolean quick = List.of(args).contains("quick");
        Map<String, String> text = new LinkedHashMap<>();
        for (Key k : KEYS) text.put(k.name, quick ? k.quick : k.full);
        Map<String, String> spark = new LinkedHashMap<>();
        for (String a : args) {
            if (a.equals("quick")) continue;
            int eq = a.indexOf('=');
            if (eq <= 0) throw new SparkTrainException("bench: expected key=value or 'quick', got '" + a + "'");
            String k = a.substring(0, eq).trim();
            String v = a.substring(eq + 1).trim();
            if (k.startsWith("spark.")) {
                spark.put(k, v);
            } else if (text.containsKey(k)) {
                text.put(k, v);
            } else {
                List<String> names = new ArrayList<>(text.keySet());
                names.add("spark.*");
                throw new SparkTrainException("bench: unknown key '" + k + "'; allowed: " + String.join(", ", names));
            }
        }
        text.put("quick", String.valueOf(quick));
        Values v = new Values(text);
        return new BenchSettings(v.text("master"), v.count("rows"), v.integer("features"), v.integer("partitions"),
                v.number("seed"), v.list("batches", Values::asCount), v.list("float32.batches", Values::asCount),
                v.list("modes", Values::asMode),
                v.list("sections", s -> s), v.integer("floor.reps"), v.list("floor.d", Values::asInt),
                v.integer("floor.warm"), v.integer("floor.bigreps"), v.list("probe", Values::asProbeCase),
                v.integer("probe.steps"), v.integer("probe.warm"), v.text("big.model"), v.integer("big.batch"),
                v.integer("big.steps"), v.integer("mllib.sgd.iters"), v.integer("mllib.mlp.iters"),
                v.list("scale", Values::asCount), v.model("scale.model"), v.count("scale.batch"),
                v.integer("scale.epochs"), v.count("scale.timed_rows"), v.integer("scale.passes"),
                v.integer("scale.warm_pass") > 0, v.count("lineage.rows"), v.text("torch"), v.real("quiet"),
                v.count("quiet.wait"), v.integer("retries"), v.real("lr"), v.real("max_norm"), quick,
                Collections.unmodifiableMap(spark), Collections.unmodifiableMap(text));
    }

    boolean section(String name) {
        return sections.contains(name);
    }

    /** The first of {@link #modes}: the one the probe and scaling sections use. */
    String firstMode() {
        return modes.get(0);
    }

    /** Typed reads of the text values; a bad one names its key. */
    private record Values(Map<String, String> text) {
        String text(String key) {
            return text.get(key);
        }

        int integer(String key) {
            return read(key, Values::asInt);
        }

        long count(String key) {
            return read(key, Values::asCount);
        }

        long number(String key) {
            return read(key, Long::parseLong);
        }

        double real(String key) {
            return read(key, Double::parseDouble);
        }

        String model(String key) {
            return read(key, Values::asModel);
        }

        /** A comma-separated list (empty text: an empty list). */
        <T> List<T> list(String key, Function<String, T> item) {
            String v = text.get(key);
            List<T> out = new ArrayList<>();
            if (v.isEmpty()) return out;
            for (String s : v.split(",")) out.add(read(key, s.trim(), item));
            return List.copyOf(out);
        }

        private <T> T read(String key, Function<String, T> parse) {
            return read(key, text.get(key), parse);
        }

        private static <T> T read(String key, String v, Function<String, T> parse) {
            try {
                return parse.apply(v);
            } catch (NumberFormatException e) {
                throw new SparkTrainException("bench: " + key + ": not a number: '" + v + "'");
            } catch (IllegalArgumentException e) {
                throw new SparkTrainException("bench: " + key + ": " + e.getMessage() + ", got '" + v + "'");
            }
        }

        private static int asInt(String s) {
            return Integer.parseInt(s);
        }

        private static long asCount(String s) {
            long n = Long.parseLong(s);
            if (n < 0) throw new IllegalArgumentException("expected a count >= 0");
            return n;
        }

        private static String asMode(String s) {
            if (!s.equals("shuffle") && !s.equals("contiguous")) {
                throw new IllegalArgumentException("'shuffle' and/or 'contiguous'");
            }
            return s;
        }

        private static String asModel(String s) {
            if (!s.equals("logreg") && !s.equals("mlp")) throw new IllegalArgumentException("'logreg' or 'mlp'");
            return s;
        }

        private static ProbeCase asProbeCase(String s) {
            String[] kb = s.split(":");
            if (kb.length != 2) throw new IllegalArgumentException("expected model:batch");
            return new ProbeCase(asModel(kb[0]), asCount(kb[1]));
        }
    }
}
