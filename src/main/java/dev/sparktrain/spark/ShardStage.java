package dev.sparktrain.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
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
    private static final int CONNECT_MS = 60_000;
    private static final int STEP_MS = 600_000;
    private static final int HANDSHAKE_MS = 5_000;

    private final JavaSparkContext jsc;
    final String group = "sparktrain-sharded-" + UUID.randomUUID();
    final long token = new java.security.SecureRandom().nextLong();
    private final ServerSocket server;
    private final String host;
    private final int n;
    private final DataOutputStream[] out;
    private final DataInputStream[] in;
    private final Socket[] links;
    private JavaRDD<Shard> output;
    private Future<?> job;
    /** Set by the guard: the stage's own job has started (later job starts are newer jobs). */
    volatile boolean started;

    /** Checks that a stage of {@code n} tasks can run here and opens the driver's socket. */
    ShardStage(JavaSparkContext jsc, int n) throws IOException {
        PersistentSteps.checkCanRun(jsc, n);
        this.jsc = jsc;
        this.n = n;
        host = jsc.getConf().get("spark.driver.host", InetAddress.getLocalHost().getHostAddress());
        server = new ServerSocket(0, Math.max(50, n), InetAddress.getByName(host));
        out = new DataOutputStream[n];
        in = new DataInputStream[n];
        links = new Socket[n];
    }

    String host() {
        return host;
    }

    int port() {
        return server.getLocalPort();
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
            for (DataOutputStream o2 : out) {
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

    private void accept() throws IOException {
        peerHosts = new String[n];
        peerPorts = new int[n];
        long deadline = System.currentTimeMillis() + CONNECT_MS;
        server.setSoTimeout(200);
        for (int connected = 0; connected < n; ) {
            if (job.isDone()) throw new IOException("the barrier stage ended before every partition connected: " + jobFailure());
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("only " + connected + " of " + n + " partitions' tasks started within " + CONNECT_MS / 1000
                        + " s (a barrier stage needs a free slot for each)");
            }
            Socket s;
            try {
                s = server.accept();
            } catch (SocketTimeoutException e) {
                continue;
            }
            s.setTcpNoDelay(true);
            s.setSoTimeout(HANDSHAKE_MS);
            DataInputStream i = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
            int p;
            try {
                if (i.readLong() != token) throw new IOException("not this stage's token");
                p = i.readInt();
                if (p < 0 || p >= n || links[p] != null) throw new IOException("unexpected partition " + p);
                peerHosts[p] = i.readUTF();
                peerPorts[p] = i.readInt();
            } catch (IOException notOurs) {
                s.close();
                continue;
            }
            s.setSoTimeout(STEP_MS);
            links[p] = s;
            in[p] = i;
            out[p] = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
            connected++;
        }
    }

    /** One step: every task's report, by partition (an owner's scalars and norm partials; empty for the others). */
    double[][] step(int seq, int epoch, long orderKey, long from, long to, int threads, int[] holding, StepDecision d)
            throws IOException {
        for (DataOutputStream o : out) {
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
                reports[p] = Wire.readDoubles(in[p]);
            } catch (IOException e) {
                throw lost(p, e);
            }
        }
        return reports;
    }

    /** Ends the stage with the last decision applied; returns its output (the owners' shards, cached). */
    JavaRDD<Shard> end(StepDecision d) throws IOException {
        try {
            for (DataOutputStream o : out) {
                o.writeInt(ShardStageWorker.END);
                d.writeTo(o);
                o.flush();
            }
            for (int p = 0; p < n; p++) expectAck(p, "ending");
            job.get(CONNECT_MS, TimeUnit.MILLISECONDS);
            return output;
        } catch (IOException e) {
            abort();
            throw e;
        } catch (Exception e) {
            abort();
            throw new IOException("the persistent sharded stage did not end cleanly: " + e.getMessage(), e);
        } finally {
            closeAll();
        }
    }

    private void expectAck(int p, String what) throws IOException {
        try {
            if (in[p].readInt() != 0) throw new IOException("unexpected answer");
        } catch (IOException e) {
            throw lost(p, new IOException(what + ": " + e, e));
        }
    }

    private IOException lost(int p, IOException e) {
        try { // a task that failed ends the job soon: its failure says more than this link's end
            job.get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // reported below
        }
        return new IOException("partition " + p + "'s task did not answer (" + (e.getMessage() == null ? e.toString() : e.getMessage())
                + "): " + (job.isDone() ? jobFailure() : "the stage is still running"), e);
    }

    /** Cancels the job and drops its output: the stage's state since its start is lost (the caller replays). */
    void abort() {
        if (job != null && !job.isDone()) jsc.cancelJobGroup(group);
        closeAll();
        if (output != null) output.unpersist(false);
    }

    private String jobFailure() {
        return PersistentSteps.jobFailure(job);
    }

    private void closeAll() {
        PersistentSteps.closeAll(links, server);
    }
}
