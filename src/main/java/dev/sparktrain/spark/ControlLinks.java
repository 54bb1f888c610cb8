package dev.sparktrain.spark;

import org.apache.spark.api.java.JavaSparkContext;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The driver's end of a barrier stage's control links (persistent steps, the persistent sharded
 * stage): a server socket, the stage's token, and one link per task. A task connects and sends
 * the token, then its partition; anything else that connects is dropped.
 */
final class ControlLinks implements Closeable {
    /** How long the stage may take to get every task connected, and a step to come back. */
    static final int CONNECT_MS = 60_000;
    static final int STEP_MS = 600_000;
    /** How long a new connection has to identify itself. */
    private static final int HANDSHAKE_MS = 5_000;

    /** What a task sends first: it travels to the tasks inside the stage's closure, through Spark's own channel. */
    final long token = new SecureRandom().nextLong();
    final String host;
    final DataOutputStream[] out;
    final DataInputStream[] in;
    private final Socket[] links;
    private final ServerSocket server;

    /** What a task sends after its partition, read during the handshake. */
    interface Hello {
        void read(int partition, DataInputStream in) throws IOException;
    }

    /** Checks that a stage of {@code n} tasks can run here ({@link PersistentSteps#checkCanRun}) and opens the socket. */
    ControlLinks(JavaSparkContext jsc, int n) throws IOException {
        PersistentSteps.checkCanRun(jsc, n);
        host = jsc.getConf().get("spark.driver.host", InetAddress.getLocalHost().getHostAddress());
        server = new ServerSocket(0, Math.max(50, n), InetAddress.getByName(host));
        out = new DataOutputStream[n];
        in = new DataInputStream[n];
        links = new Socket[n];
    }

    int port() {
        return server.getLocalPort();
    }

    /** Waits until every task of {@code job} is linked; {@code hello} reads what each sends after its partition. */
    void accept(Future<?> job, Hello hello) throws IOException {
        int n = links.length;
        long deadline = System.currentTimeMillis() + CONNECT_MS;
        server.setSoTimeout(200);
        for (int connected = 0; connected < n; ) {
            if (job.isDone()) throw new IOException("the barrier stage ended before every partition connected: " + failure(job));
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
            s.setSoTimeout(HANDSHAKE_MS); // a stray connection that sends nothing must not hold the stage up
            DataInputStream i = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
            int p;
            try {
                if (i.readLong() != token) throw new IOException("not this stage's token");
                p = i.readInt();
                if (p < 0 || p >= n || links[p] != null) throw new IOException("unexpected partition " + p);
                hello.read(p, i);
            } catch (IOException notOurs) { // not one of this stage's tasks: ignore it
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

    /** Why partition {@code p}'s link failed, with the job's own failure when the job ended (waited for briefly). */
    static IOException lost(int p, IOException e, Future<?> job) {
        try { // a task that failed ends the job soon: its failure says more than this link's end
            job.get(2, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // reported below
        }
        return new IOException("partition " + p + "'s task did not answer (" + (e.getMessage() == null ? e.toString() : e.getMessage())
                + "): " + (job.isDone() ? failure(job) : "the stage is still running"), e);
    }

    /** Why a barrier stage's job ended: the first line of its failure, or "it finished". */
    static String failure(Future<?> job) {
        try {
            job.get(0, TimeUnit.MILLISECONDS);
            return "it finished";
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            return c.getMessage() == null ? c.toString() : c.getMessage().lines().findFirst().orElse("");
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** Closes every link and the server socket, whatever state they are in. */
    @Override
    public void close() {
        for (Socket s : links) PeerMesh.closeQuietly(s);
        PeerMesh.closeQuietly(server);
    }
}
