package dev.sparktrain.spark;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.train.ShardedUpdates.ShardedSums;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sharded step without a job per step ({@link PersistentSteps#CONF}, the same switch as the
 * driver-merged persistent steps): one barrier stage ({@link ShardStage}) keeps every slice and
 * its optimizer state in a task, and the tasks exchange slices and trees directly. The driver
 * sends each step's batch and its decision about the last gradient, and reads the owners' scalars.
 *
 * <p>The stage starts from the {@link ShardedStep}'s cached (replicated) state and its output,
 * the state after its last step, replaces it when the stage ends: before any of the run's own
 * jobs (validation, a checkpoint, the parameters), every {@value #MAX_STEPS} steps, or when
 * another job starts (a {@link SparkListener} guard, as in {@link PersistentSteps}). A failure
 * while it runs (a lost task or executor, a broken link) loses the slices' progress since the
 * stage started, and nothing else: the driver logged each step's batch and decision, and replays
 * them through the job path from the stage's starting state, checking that every replayed step
 * gives the logged scalars (the same bits); the failed step then runs as a job. After
 * {@value #MAX_FAILURES} failures the mode stays off for the run.
 */
final class PersistentShards implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PersistentShards.class);
    /** Steps a stage serves before it hands its state back (bounds what a failure replays). */
    static final int MAX_STEPS = 512;
    static final int MAX_FAILURES = 2;

    /** What the stage needs from the {@link ShardedStep} it serves. */
    interface Host {
        /** Every partition's input, from the current state with every decision applied. */
        JavaRDD<ShardStageWorker.Input> stageInput();

        ShardStageWorker worker(String host, int port, long token, EpochOrder order);

        int partitions();

        int[] holding(EpochOrder order, long from, long to);

        int threads(int holding);

        /** The step's scalars from the owners' reports (slice k's at index k). */
        ShardedSums sums(double[][] reports);

        /** The stage's output becomes the state. */
        void adopt(JavaRDD<Shard> output);

        ShardedSums jobBatch(EpochOrder order, int epoch, int step, long from, long to);

        /** Hands a decision to the job path. */
        void jobDecide(StepDecision d);
    }

    /** A step a stage served, with the decision sent before it and the scalars it gave. */
    private record Logged(EpochOrder order, int epoch, int step, long from, long to, StepDecision before,
                          ShardedSums sums) {
    }

    private final JavaSparkContext jsc;
    private final Host host;
    private final boolean loud;
    private final ReentrantLock lock = new ReentrantLock();
    private final ExecutorService submitter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sparktrain persistent sharded steps");
        t.setDaemon(true);
        return t;
    });
    private final List<Logged> log = new ArrayList<>();
    private volatile ShardStage stage;
    private EpochOrder stageOrder;
    /** The output of a stage ended by the guard, to adopt on the training thread. */
    private JavaRDD<Shard> ended;
    /** The live stage was aborted (the guard, mid-decision): its steps are to be replayed. */
    private boolean lost;
    /** The decision about the last served step, and whether it is still owed. */
    private StepDecision decision = StepDecision.NOTHING;
    private boolean owes;
    private int seq;
    private boolean off;
    private int failures;
    private long served;
    private int stages;
    private final SparkListener guard = new SparkListener() {
        @Override
        public void onJobStart(SparkListenerJobStart start) {
            ShardStage s = stage;
            if (s == null) return;
            java.util.Properties p = start.properties();
            String group = p == null ? null : p.getProperty("spark.jobGroup.id");
            if (s.group.equals(group)) s.started = true;
            else if (s.started) preempt(s);
        }
    };

    private PersistentShards(JavaSparkContext jsc, Host host, boolean loud) {
        this.jsc = jsc;
        this.host = host;
        this.loud = loud;
        jsc.sc().addSparkListener(guard);
    }

    /** The mode {@link PersistentSteps#CONF} asks for on this context, or null. */
    static PersistentShards of(JavaSparkContext jsc, Host host) {
        Boolean loud = PersistentSteps.requested(jsc);
        return loud == null ? null : new PersistentShards(jsc, host, loud);
    }

    long served() {
        return served;
    }

    int stages() {
        return stages;
    }

    int failures() {
        return failures;
    }

    /** The batch's scalars from the stage, or null: the caller runs it as a job (the state is ready for that). */
    ShardedSums batch(EpochOrder order, int epoch, int step, long from, long to) {
        lock.lock();
        try {
            settleLocked(stage != null && !serves(order));
            if (off) return null;
            StepDecision before = decision;
            boolean fresh = stage == null;
            if (fresh && !start(order, epoch)) return null;
            if (fresh) before = StepDecision.NOTHING;
            int[] holding = host.holding(order, from, to);
            try {
                double[][] reports = stage.step(seq++, epoch, order.key(), from, to, host.threads(holding.length), holding, before);
                ShardedSums sums = host.sums(reports);
                log.add(new Logged(order, epoch, step, from, to, before, sums));
                decision = StepDecision.NOTHING;
                owes = true;
                served++;
                return sums;
            } catch (IOException | RuntimeException e) {
                fail(e);
                replay(before);
                return null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes the decision about the last step if the stage served it (false: the job path's). */
    boolean decide(StepDecision d) {
        lock.lock();
        try {
            if (!owes) return false;
            decision = d;
            owes = false;
            if (stage != null && log.size() >= MAX_STEPS) settleLocked(true);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Hands the state back to the job path: ends a live stage, adopts its output, or replays a lost one. */
    void settle() {
        lock.lock();
        try {
            settleLocked(true);
        } finally {
            lock.unlock();
        }
    }

    private void settleLocked(boolean endLive) {
        if (stage != null && endLive) {
            try {
                ended = stage.end(decision);
                stage = null;
            } catch (IOException | RuntimeException e) {
                fail(e);
            }
        }
        if (ended != null) {
            JavaRDD<Shard> out = ended;
            ended = null;
            host.adopt(out);
            log.clear();
            decision = StepDecision.NOTHING;
        }
        if (lost) replay(owes ? null : decision);
    }

    private boolean serves(EpochOrder o) {
        return stageOrder != null && o.size() == stageOrder.size() && o.shuffled() == stageOrder.shuffled();
    }

    private boolean start(EpochOrder order, int epoch) {
        ShardStage s;
        try {
            s = new ShardStage(jsc, host.partitions());
        } catch (PersistentSteps.NotHere e) {
            off = true;
            if (loud) LOG.warn("sparktrain: persistent sharded steps cannot run here, steps run as jobs: {}", e.getMessage());
            else LOG.info("sparktrain: sharded steps run as jobs: {}", e.getMessage());
            return false;
        } catch (IOException e) {
            fail(e);
            return false;
        }
        JavaRDD<ShardStageWorker.Input> input = host.stageInput();
        stage = s; // the guard watches it from here
        stageOrder = order;
        seq = 0;
        stages++;
        try {
            s.start(input, host.worker(s.host(), s.port(), s.token(), order), submitter,
                    "sparktrain epoch " + (epoch + 1) + " onwards (persistent sharded steps)");
            if (stages == 1 && loud) {
                LOG.warn("sparktrain: persistent sharded steps on: the sharded step runs in a barrier stage of {} tasks that keep "
                        + "the slices and exchange them directly, not three jobs a step", host.partitions());
            }
            return true;
        } catch (IOException | RuntimeException e) {
            fail(e);
            lost = false; // nothing served yet: the state the stage started from is current
            return false;
        }
    }

    /** From the listener thread: another job wants the slots. Ends the stage cleanly between steps, else aborts it. */
    private void preempt(ShardStage s) {
        lock.lock();
        try {
            if (stage != s) return;
            if (!owes) {
                try {
                    ended = s.end(decision); // adopted on the training thread (adopting runs a job)
                    stage = null;
                    return;
                } catch (IOException | RuntimeException e) {
                    LOG.warn("sparktrain: persistent sharded stage did not end cleanly for another job, its steps will be replayed: {}",
                            e.getMessage());
                }
            }
            s.abort();
            stage = null;
            lost = true;
        } finally {
            lock.unlock();
        }
    }

    private void fail(Exception e) {
        if (stage != null) stage.abort();
        stage = null;
        lost = !log.isEmpty();
        failures++;
        if (failures >= MAX_FAILURES) off = true;
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        LOG.warn("sparktrain: persistent sharded stage failed ({}), its {} step(s) are replayed as jobs{}: {}", failures, log.size(),
                off ? " and steps run as jobs for the rest of the run" : "", why);
    }

    /**
     * Replays the lost stage's steps through jobs from its starting state, checking each step's
     * scalars, then hands {@code last} (null: still owed) to the job path.
     */
    private void replay(StepDecision last) {
        lost = false;
        for (Logged l : log) {
            host.jobDecide(l.before());
            ShardedSums again = host.jobBatch(l.order(), l.epoch(), l.step(), l.from(), l.to());
            if (!again.equals(l.sums())) {
                throw new SparkTrainException("epoch " + (l.epoch() + 1) + " step " + (l.step() + 1)
                        + ": replaying a lost persistent sharded stage gave other sums (" + again + ") than the stage (" + l.sums()
                        + "); please report this");
            }
        }
        log.clear();
        if (last != null) host.jobDecide(last);
        else owes = false; // the decision to come goes to the job path
        decision = StepDecision.NOTHING;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (stage != null) stage.abort();
            stage = null;
        } finally {
            lock.unlock();
        }
        jsc.sc().removeSparkListener(guard);
        submitter.shutdownNow();
    }
}
