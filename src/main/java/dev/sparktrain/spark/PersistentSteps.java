package dev.sparktrain.spark;

import dev.sparktrain.data.DoubleBytes;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.RowGroups;
import dev.sparktrain.data.SumTree;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Sequential;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Steps without a Spark job each ({@value #CONF}: {@code auto}, the default, is on in local mode;
 * {@code true} anywhere): one barrier stage keeps a task on every training partition, and each step the driver sends the
 * weights to the partitions holding the batch's rows over a TCP connection and reads back their
 * partial {@link SumTree}s. The task computes exactly what {@link SumTasks.Step} computes in the
 * job path and the driver merges the trees as {@link TreeReduce#onDriver} does, so the sums have
 * the same bits; only the transport differs. What it saves is Spark's per-job cost (scheduling,
 * the task binary, launching, results: ~5-7 ms of a 10-20 ms small step, docs/PERFORMANCE.md);
 * Spark's own barrier calls cannot carry a step (they poll with a one-second sleep,
 * docs/SCALING.md).
 *
 * <p>Everything else stays on the driver, which still holds the weights and the optimizer, so a
 * failure costs nothing but speed: any error (the barrier stage cannot get a slot for every
 * partition, a task or a connection fails, a timeout) ends the stage and turns the mode off for the
 * rest of the run with one logged line, and the step is computed by a job, with the same bits.
 * While the stage is up it holds a slot per training partition and other jobs would wait, so it
 * ends before each of the run's own jobs (validation, a step through the job path, the end of the
 * run) and, through a Spark listener, as soon as any other job starts; the next step starts a new
 * one. Between those it serves every epoch: a step names its epoch and order.
 *
 * <p>The link is plain TCP from the tasks to a port the driver opens on {@code spark.driver.host}:
 * a task proves it belongs to the stage with a random token it got inside the stage's closure
 * (Spark's own channel), and the mode stays off when Spark's network or I/O encryption is on.
 */
final class PersistentSteps implements AutoCloseable {
    /**
     * Spark conf key: {@code auto} (default: on in local mode, where the link never leaves the
     * machine, and quietly off where it cannot run), {@code true} (on anywhere; says why when it
     * cannot run) or {@code false}.
     */
    static final String CONF = "spark.sparktrain.persistentSteps";
    private static final Logger LOG = LoggerFactory.getLogger(PersistentSteps.class);
    /** The messages the driver sends a task: a step, or the end of the stage. */
    static final int STEP = 1;
    static final int END = 0;

    private final JavaSparkContext jsc;
    private final JavaRDD<PackedBlock> train;
    private final Sequential model;
    private final Loss loss;
    private final String runKey;
    private final RowGroups groups;
    private final ExecutorService submitter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sparktrain persistent steps");
        t.setDaemon(true);
        return t;
    });
    /** Asked for explicitly ({@code true}): say when it is on, and why it cannot run. */
    private final boolean loud;
    private boolean off;
    private long served;
    private int stages;
    /** The live stage, or null (read by {@link #guard} on Spark's listener thread). */
    private volatile Stage stage;
    /**
     * Ends the stage when another job starts after it, which would otherwise wait for its slots (for
     * ever, if the training thread itself submitted it). Spark delivers job starts in submission
     * order, so a job whose start comes before the stage's own is older: it is not waiting on the
     * stage's slots (it was scheduled first), and it is left alone.
     */
    private final org.apache.spark.scheduler.SparkListener guard = new org.apache.spark.scheduler.SparkListener() {
        @Override
        public void onJobStart(org.apache.spark.scheduler.SparkListenerJobStart start) {
            Stage s = stage;
            if (s == null) return;
            java.util.Properties p = start.properties();
            String group = p == null ? null : p.getProperty("spark.jobGroup.id");
            if (s.group.equals(group)) s.started = true;
            else if (s.started) s.preempt();
        }
    };
    private boolean guarding;

    /** Why the stage cannot run at all here (as opposed to a failure while it runs). */
    static final class NotHere extends IOException {
        private static final long serialVersionUID = 1L;

        NotHere(String message) {
            super(message);
        }
    }

    /** The persistent steps {@link #CONF} asks for on this context, or null. */
    static PersistentSteps of(JavaSparkContext jsc, JavaRDD<PackedBlock> train, Sequential model, Loss loss, String runKey,
                              RowGroups groups) {
        Boolean loud = requested(jsc);
        return loud == null ? null : new PersistentSteps(jsc, train, model, loss, runKey, groups, loud);
    }

    /**
     * What {@value #CONF} asks for on this context: null (off: {@code false}, or {@code auto} off
     * local mode), false ({@code auto} in local mode: quiet when it cannot run) or true ({@code true}:
     * says when it is on and why it cannot run). Both persistent modes read it here.
     */
    static Boolean requested(JavaSparkContext jsc) {
        String v = jsc.getConf().get(CONF, "auto").strip().toLowerCase(java.util.Locale.ROOT);
        String master = jsc.master();
        boolean local = master.equals("local") || master.startsWith("local[");
        return switch (v) {
            case "true", "on" -> true;
            case "auto" -> local ? false : null;
            case "false", "off" -> null;
            default -> throw new dev.sparktrain.SparkTrainException(CONF + ": expected auto, true or false, got '" + v + "'");
        };
    }

    private PersistentSteps(JavaSparkContext jsc, JavaRDD<PackedBlock> train, Sequential model, Loss loss, String runKey,
                            RowGroups groups, boolean loud) {
        this.loud = loud;
        this.jsc = jsc;
        this.train = train;
        this.model = model;
        this.loss = loss;
        this.runKey = runKey;
        this.groups = groups;
    }

    /** Steps computed here so far (the rest went through jobs). */
    long served() {
        return served;
    }

    /** Barrier stages started so far. */
    int stages() {
        return stages;
    }

    /**
     * The partial trees of partitions {@code holding} for batch [from, to) of {@code epoch}, in that
     * order, or null when this mode is off (the caller runs the job path). Each holding task computes
     * with {@code threads} threads, as the job path's task would: the stage's other tasks wait on
     * their sockets, so the cores a contiguous batch leaves idle are free for the partitions it holds.
     */
    SumTree[] step(EpochOrder order, int epoch, long from, long to, int threads, double[] params, int[] holding) {
        if (off) return null;
        try {
            if (stage != null && (stage.preempted || !stage.serves(order))) endStage(); // preempted: another job took the slots
            if (stage == null) {
                if (!guarding) {
                    jsc.sc().addSparkListener(guard);
                    guarding = true;
                }
                Stage s = new Stage(order);
                stage = s; // the guard watches it from here
                stages++;
                s.start(epoch);
                if (served == 0 && loud) {
                    LOG.warn("sparktrain: persistent steps on (experimental): training steps run in a barrier stage of {} tasks, not a job each",
                            train.getNumPartitions());
                }
            }
            SumTree[] parts = stage.step(order, epoch, from, to, threads, params, holding);
            served++;
            return parts;
        } catch (IOException | RuntimeException e) {
            if (stage != null && stage.preempted) { // another job took the slots: this step runs as a job, the next starts a stage
                stage = null;
                return null;
            }
            turnOff(e);
            return null;
        }
    }

    /** Ends the stage (its tasks finish), so that other jobs can have the slots. */
    void endStage() {
        if (stage == null) return;
        Stage s = stage;
        stage = null;
        if (s.preempted) return; // already closed by the guard
        try {
            s.end();
        } catch (IOException | RuntimeException e) {
            turnOff(e);
        }
    }

    @Override
    public void close() {
        endStage();
        if (guarding) jsc.sc().removeSparkListener(guard);
        submitter.shutdownNow();
    }

    private void turnOff(Exception e) {
        if (stage != null) stage.abort();
        stage = null;
        off = true;
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        if (e instanceof NotHere && !loud) {
            LOG.info("sparktrain: steps run as jobs: {}", why);
        } else {
            LOG.warn("sparktrain: persistent steps off for the rest of the run, steps run as jobs (same results): {}", why);
        }
    }

    /** Why a barrier stage of {@code n} tasks with a plain TCP link cannot run on this context, as a {@link NotHere}. */
    static void checkCanRun(JavaSparkContext jsc, int n) throws IOException {
        for (String key : new String[] {"spark.network.crypto.enabled", "spark.ssl.enabled", "spark.io.encryption.enabled"}) {
            if (jsc.getConf().getBoolean(key, false)) {
                throw new NotHere(key + " is on, and the persistent steps' link is plain TCP (not encrypted)");
            }
        }
        // Spark would retry a barrier stage short of slots for minutes (40 checks, 15 s apart) before failing it
        int slots = jsc.sc().maxNumConcurrentTasks(jsc.sc().resourceProfileManager().defaultResourceProfile());
        if (n > slots) {
            throw new NotHere("a step's barrier stage needs a free slot for each of the " + n
                    + " training partitions; there are " + slots);
        }
    }

    /** The barrier stage: its job and its control links, one per partition. */
    private final class Stage {
        final long rows;
        final boolean shuffled;
        /** Set by the {@link #guard}: the stage's own job has started (later job starts are newer jobs). */
        volatile boolean started;
        /** Set by the {@link #guard} when another job started after it: the stage's sockets are closed. */
        volatile boolean preempted;
        final String group = "sparktrain-persistent-" + UUID.randomUUID();
        final ControlLinks links;
        Future<?> job;

        /** Checks that the stage can run here and opens its server socket; {@link #start} launches it. */
        Stage(EpochOrder order) throws IOException {
            this.rows = order.size();
            this.shuffled = order.shuffled();
            links = new ControlLinks(jsc, train.getNumPartitions());
        }

        /** Submits the barrier job and waits for every task to connect. */
        void start(int firstEpoch) throws IOException {
            PersistentStepsWorker worker = new PersistentStepsWorker(links.host, links.port(), links.token, model, loss, runKey, groups,
                    rows, shuffled);
            String description = "sparktrain epoch " + (firstEpoch + 1) + " onwards (persistent steps)";
            job = submitter.submit(() -> {
                jsc.setJobGroup(group, description, true);
                return train.rdd().barrier().mapPartitions(worker, false, scala.reflect.ClassTag$.MODULE$.apply(Integer.class))
                        .count();
            });
            try {
                links.accept(job, (p, in) -> { });
            } catch (IOException | RuntimeException e) {
                abort();
                throw e;
            }
        }

        /** Any epoch of the run: a step names its epoch and order. */
        boolean serves(EpochOrder o) {
            return o.size() == rows && o.shuffled() == shuffled;
        }

        SumTree[] step(EpochOrder order, int epoch, long from, long to, int threads, double[] params, int[] holding)
                throws IOException {
            byte[] weights = DoubleBytes.encode(params); // encoded once for every holding partition
            for (int p : holding) {
                DataOutputStream o = links.out[p];
                o.writeInt(STEP);
                o.writeInt(epoch);
                o.writeLong(order.key());
                o.writeLong(from);
                o.writeLong(to);
                o.writeInt(threads);
                o.writeInt(params.length);
                o.write(weights);
                o.flush();
            }
            SumTree[] parts = new SumTree[holding.length];
            for (int i = 0; i < holding.length; i++) {
                parts[i] = new SumTree();
                try {
                    parts[i].readFrom(links.in[holding[i]]);
                } catch (IOException e) {
                    throw ControlLinks.lost(holding[i], e, job);
                }
            }
            return parts;
        }

        void end() throws IOException {
            for (DataOutputStream o : links.out) {
                o.writeInt(END);
                o.flush();
            }
            try {
                job.get(ControlLinks.CONNECT_MS, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                throw new IOException("the barrier stage did not end cleanly: " + e.getMessage(), e);
            } finally {
                links.close();
            }
        }

        void abort() {
            jsc.cancelJobGroup(group); // harmless before the job exists
            links.close();
        }

        /** From the listener thread: the tasks see their sockets close and end; the next step starts a new stage. */
        void preempt() {
            preempted = true;
            abort();
        }
    }
}
