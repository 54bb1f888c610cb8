package dev.sparktrain.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The driver's side of one persistent sharded stage ({@link ShardStageWorker}): the barrier job,
 * a control link to each task (a few numbers per step each way), and the stage's output, the
 * owners' shards after the last decision. The tasks exchange the slices and trees among
 * themselves; nothing d-sized passes through here.
 */
final class ShardStage {
    private final JavaSparkContext jsc;
    final String group = "sparktrain-sharded-" + UUID.randomUUID();
    private final ControlLinks links;
    private final int n;
    private JavaRDD<Shard> output;
    private Future<?> job;
    /** Set by the guard: the stage's own job has started (later job starts are newer jobs). */
    volatile boolean started;

    /** Checks that a stage of {@code n} tasks can run here and opens the driver's socket. */
    ShardStage(JavaSparkContext jsc, int n) throws IOException {
        this.jsc = jsc;
        this.n = n;
        links = new ControlLinks(jsc, n);
    }

    String host() {
        return links.host;
    }

    int port() {
        return links.port();
    }

    long token() {
        return links.token;
    }

    /** Submits the barrier job over {@code input} and waits until every task is linked to the driver and to its peers. */
    void start(JavaRDD<ShardStageWorker.Input> input, ShardStageWorker worker, ExecutorService submitter, String description)
            throws IOException {
        output = JavaRDD.fromRDD(input.rdd().barrier().mapPartitions(worker, false,
                scala.reflect.ClassTag$.MODULE$.apply(Shard.class)), scala.reflect.ClassTag$.MODULE$.apply(Shard.class));
        output.setName("sparktrain sharded state (persistent stage output)").persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<Shard> o = output;
        job = submitter.submit(() -> {
            jsc.setJobGroup(group, description, true);
            return o.count();
        });
        try {
            accept();
            for (DataOutputStream o2 : links.out) {
                o2.writeInt(n);
                for (int j = 0; j < n; j++) {
                    o2.writeUTF(peerHosts[j]);
                    o2.writeInt(peerPorts[j]);
                }
                o2.flush();
            }
            for (int p = 0; p < n; p++) expectAck(p, "linking to its peers");
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    private String[] peerHosts;
    private int[] peerPorts;

    /** Every task's link, with the address its peers reach it at. */
    private void accept() throws IOException {
        peerHosts = new String[n];
        peerPorts = new int[n];
        links.accept(job, (p, i) -> {
            peerHosts[p] = i.readUTF();
            peerPorts[p] = i.readInt();
        });
    }

    /** One step: every task's report, by partition (an owner's scalars and norm partials; empty for the others). */
    double[][] step(int seq, int epoch, long orderKey, long from, long to, int threads, int[] holding, StepDecision d)
            throws IOException {
        for (DataOutputStream o : links.out) {
            o.writeInt(ShardStageWorker.STEP);
            o.writeInt(seq);
            o.writeInt(epoch);
            o.writeLong(orderKey);
            o.writeLong(from);
            o.writeLong(to);
            o.writeInt(threads);
            Wire.writeInts(o, holding);
            d.writeTo(o);
            o.flush();
        }
        double[][] reports = new double[n][];
        for (int p = 0; p < n; p++) {
            try {
                reports[p] = Wire.readDoubles(links.in[p]);
            } catch (IOException e) {
                throw lost(p, e);
            }
        }
        return reports;
    }

    /** Ends the stage with the last decision applied; returns its output (the owners' shards, cached). */
    JavaRDD<Shard> end(StepDecision d) throws IOException {
        try {
            for (DataOutputStream o : links.out) {
                o.writeInt(ShardStageWorker.END);
                d.writeTo(o);
                o.flush();
            }
            for (int p = 0; p < n; p++) expectAck(p, "ending");
            job.get(ControlLinks.CONNECT_MS, TimeUnit.MILLISECONDS);
            return output;
        } catch (IOException e) {
            abort();
            throw e;
        } catch (Exception e) {
            abort();
            throw new IOException("the persistent sharded stage did not end cleanly: " + e.getMessage(), e);
        } finally {
            links.close();
        }
    }

    private void expectAck(int p, String what) throws IOException {
        try {
            if (links.in[p].readInt() != 0) throw new IOException("unexpected answer");
        } catch (IOException e) {
            throw lost(p, new IOException(what + ": " + e, e));
        }
    }

    private IOException lost(int p, IOException e) {
        return ControlLinks.lost(p, e, job);
    }

    /** Cancels the job and drops its output: the stage's state since its start is lost (the caller replays). */
    void abort() {
        if (job != null && !job.isDone()) jsc.cancelJobGroup(group);
        links.close();
        if (output != null) output.unpersist(false);
    }
}
