package dev.sparktrain.faults;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.spark.TaskHooks;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * <b>TEST ONLY</b>, in the tools jar, not the product: faults injected into sparktrain's own Spark
 * tasks (the training steps and the validation passes of {@link SparkBackend}), to show that the
 * run survives them. It is a {@link TaskHooks} provider, so it acts only where the tools jar is on
 * the classpath (the tests; {@code --jars target/sparktrain-tools.jar} on a cluster). With neither
 * key set (the default) nothing happens. Each key is a Spark setting ({@code --conf key=value}, read
 * on the executors) or a local property of the driver thread ({@code jsc.setLocalProperty}, which
 * wins, so a test can change it between runs):
 * <ul>
 *   <li>{@value #FAIL_TASK} {@code = <where>:<partition>:<attempt>[,...]}: that task attempt
 *       throws after computing its sums, as a crashing task would; Spark retries it (up to
 *       {@code spark.task.maxFailures}, 4 on a cluster; {@code local[2,4]} locally).</li>
 *   <li>{@value #NONFINITE} {@code = <where>:<partition>:<loss|grad>[,...]}: that task returns a
 *       NaN loss sum ({@code loss}) or an infinite gradient component ({@code grad}), every
 *       attempt, as a numerically broken batch would.</li>
 * </ul>
 * {@code <where>} names the Spark job as its description does: {@code epoch3.step2} (epoch 3,
 * step 2 of that epoch, both 1-based: the job "sparktrain epoch 3 step 2"), {@code epoch3.validation}
 * (that epoch's validation pass), {@code *} (every sparktrain step and validation job), or
 * {@code persistent.step4} (the 4th step a task of a persistent stage computes, counted per task attempt).
 * {@code <partition>} is a partition index or {@code *}; {@code <attempt>} the attempt number
 * (0 = first try) or {@code *} (every attempt: the job fails).
 *
 * <p>Each injection is logged (WARN, logger {@code dev.sparktrain.faults.FaultInjection}) in the
 * executor's log and counted in that JVM ({@link #injected()}); a run with a hook set prints a
 * warning line ({@link #describe}).
 */
public final class FaultInjection implements TaskHooks {
    public static final String FAIL_TASK = "spark.sparktrain.test.failTask";
    public static final String NONFINITE = "spark.sparktrain.test.nonfinite";

    private static final Logger LOG = LoggerFactory.getLogger(FaultInjection.class);
    private static final AtomicInteger INJECTED = new AtomicInteger();
    private static final Pattern WHERE = Pattern.compile(
            "\\*|epoch([1-9][0-9]*)\\.(?:step([1-9][0-9]*)|(validation))|persistent\\.step([1-9][0-9]*)");
    /** The job field of a {@code persistent.stepN} entry: any persistent stage. */
    private static final String PERSISTENT = "(persistent";
    /** Hooked calls so far per task attempt: a persistent stage's task computes one step per call. */
    private static final java.util.Map<Long, AtomicInteger> CALLS = new java.util.concurrent.ConcurrentHashMap<>();

    /** For {@link java.util.ServiceLoader}: the state is static (one counter per JVM). */
    public FaultInjection() {
    }

    /** A failure thrown by the test hook (a plain runtime failure to Spark, retried as any other). */
    public static final class InjectedFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedFailure(String message) {
            super(message);
        }
    }

    /** One entry of a spec: which job (its description, or null for any), partition (-1 any), attempt or mode. */
    record Entry(String job, int partition, int attempt, String mode, int call) {
        boolean matches(String description, int p, int a, int calls) {
            boolean where = job == null ? description != null && description.startsWith("sparktrain epoch ")
                    : job.equals(PERSISTENT) ? description != null && description.contains(PERSISTENT) && calls == call
                    : job.equals(description);
            return where && (partition < 0 || partition == p) && (attempt < 0 || attempt == a);
        }
    }

    /** Parses a spec; a malformed one is one {@link SparkTrainException} line naming the key. */
    static List<Entry> parse(String key, String spec) {
        List<Entry> out = new ArrayList<>();
        boolean fail = key.equals(FAIL_TASK);
        for (String raw : spec.split(",")) {
            String e = raw.strip();
            if (e.isEmpty()) continue;
            String[] f = e.split(":", -1);
            String form = fail ? "<where>:<partition>:<attempt>" : "<where>:<partition>:<loss|grad>";
            Matcher m = f.length == 3 ? WHERE.matcher(f[0].strip()) : null;
            if (m == null || !m.matches()) {
                throw new SparkTrainException(key + ": entry '" + e + "' is not " + form
                        + " (where = epochE.stepS, epochE.validation or *)");
            }
            String job = m.group(4) != null ? PERSISTENT : m.group(1) == null ? null
                    : "sparktrain epoch " + m.group(1) + (m.group(3) != null ? " validation" : " step " + m.group(2));
            int call = m.group(4) == null ? -1 : Integer.parseInt(m.group(4));
            int partition = number(key, e, f[1]);
            if (fail) {
                out.add(new Entry(job, partition, number(key, e, f[2]), null, call));
            } else {
                String mode = f[2].strip();
                if (!mode.equals("loss") && !mode.equals("grad")) {
                    throw new SparkTrainException(key + ": entry '" + e + "': expected loss or grad, got '" + mode + "'");
                }
                out.add(new Entry(job, partition, -1, mode, call));
            }
        }
        return out;
    }

    private static int number(String key, String entry, String s) {
        String t = s.strip();
        if (t.equals("*")) return -1;
        try {
            int v = Integer.parseInt(t);
            if (v >= 0) return v;
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new SparkTrainException(key + ": entry '" + entry + "': '" + t + "' is not a number >= 0 or *");
    }

    /**
     * The driver's check before a run: null when no hook is set, else a warning line to print.
     * A malformed setting stops the run here (one line) rather than failing every task.
     */
    @Override
    public String describe(JavaSparkContext jsc) {
        SparkConf conf = jsc.getConf();
        String failLocal = jsc.getLocalProperty(FAIL_TASK);
        String nonFiniteLocal = jsc.getLocalProperty(NONFINITE);
        StringBuilder b = new StringBuilder();
        String[][] hooks = {{FAIL_TASK, failLocal != null ? failLocal : conf.get(FAIL_TASK, null)},
            {NONFINITE, nonFiniteLocal != null ? nonFiniteLocal : conf.get(NONFINITE, null)}};
        for (String[] h : hooks) {
            if (h[1] == null || h[1].isBlank()) continue;
            parse(h[0], h[1]);
            b.append(b.length() == 0 ? "" : "; ").append(h[0]).append(" = ").append(h[1]);
        }
        return b.length() == 0 ? null : "sparktrain: TEST HOOK ACTIVE (faults are injected on purpose): " + b;
    }

    /** Injections made in this JVM so far (local mode: the test's own). */
    public static int injected() {
        return INJECTED.get();
    }

    private static String setting(TaskContext ctx, String key) {
        String v = ctx.getLocalProperty(key);
        if (v != null) return v;
        SparkEnv env = SparkEnv.get();
        return env == null ? null : env.conf().get(key, null);
    }

    /**
     * Called by every step and validation task with its sums just before returning them. Outside a
     * Spark task, or with no hook set, it does nothing.
     */
    @Override
    public void afterTask(double[] sums) {
        TaskContext ctx = TaskContext.get();
        if (ctx == null) return;
        String fail = setting(ctx, FAIL_TASK);
        String nonFinite = setting(ctx, NONFINITE);
        if ((fail == null || fail.isBlank()) && (nonFinite == null || nonFinite.isBlank())) return;
        String job = ctx.getLocalProperty("spark.job.description");
        int p = ctx.partitionId();
        int a = ctx.attemptNumber();
        int calls = CALLS.computeIfAbsent(ctx.taskAttemptId(), k -> new AtomicInteger()).incrementAndGet();
        if (nonFinite != null) {
            for (Entry e : parse(NONFINITE, nonFinite)) {
                if (!e.matches(job, p, a, calls)) continue;
                int d = sums.length - BatchKernel.STATS;
                if (e.mode().equals("loss")) sums[d + BatchKernel.LOSS] = Double.NaN;
                else sums[0] = Double.POSITIVE_INFINITY;
                INJECTED.incrementAndGet();
                LOG.warn("test hook {}: {} made non-finite in {}, partition {}, attempt {}", NONFINITE, e.mode(), job, p, a);
            }
        }
        if (fail != null) {
            for (Entry e : parse(FAIL_TASK, fail)) {
                if (!e.matches(job, p, a, calls)) continue;
                INJECTED.incrementAndGet();
                String msg = "test hook " + FAIL_TASK + ": injected failure in " + job + ", partition " + p + ", attempt " + a;
                LOG.warn(msg);
                throw new InjectedFailure(msg);
            }
        }
    }
}
