package dev.sparktrain.spark;

import dev.sparktrain.data.DoubleBytes;
import dev.sparktrain.data.SumTree;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The links between the tasks of a persistent sharded stage ({@link ShardStageWorker}): one
 * outgoing connection to every other task, and one reader thread per incoming connection that
 * queues what arrives. Readers always drain their sockets, so two tasks writing large slices to
 * each other at once never block each other. A task's messages to itself skip the socket.
 * Incoming connections prove they belong to the stage with its token, as the driver's link does.
 */
final class PeerMesh implements Closeable {
    /** A slice's values for a partition, from its owner. */
    static final int SLICE = 1;
    /** A partition's tree for a slice, to its owner. */
    static final int TREE = 2;
    private static final int FAILED = -1;

    /** What arrives: {@code from} is the sending task's partition. */
    record Message(int kind, int seq, int from, double[] values, SumTree tree, String failure) {
    }

    private final int self;
    private final long token;
    private final ServerSocket server;
    private final BlockingQueue<Message> slices = new LinkedBlockingQueue<>();
    private final BlockingQueue<Message> trees = new LinkedBlockingQueue<>();
    private DataOutputStream[] out;
    private Socket[] outgoing;
    private final java.util.List<Socket> incoming = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    private volatile boolean closing;
    /** Bytes written to the outgoing links (Spark's task metrics do not see them: they are not a shuffle). */
    private final LongAdder bytesOut = new LongAdder();

    /** Listens on {@code host} (the executor's address as Spark advertises it). */
    PeerMesh(int self, int tasks, long token, String host) throws IOException {
        this.self = self;
        this.token = token;
        this.server = new ServerSocket(0, Math.max(50, tasks), InetAddress.getByName(host));
    }

    int port() {
        return server.getLocalPort();
    }

    /** Bytes this task has written to its peers so far (headers included). */
    long bytesSent() {
        return bytesOut.sum();
    }

    /** Counts the bytes that reach the socket (under the buffer). */
    private static final class Counted extends FilterOutputStream {
        private final LongAdder count;

        Counted(OutputStream out, LongAdder count) {
            super(out);
            this.count = count;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count.increment();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count.add(len);
        }
    }

    /** Connects to every other task at {@code hosts[j]:ports[j]} and accepts their connections. */
    void connect(String[] hosts, int[] ports, int timeoutMs) throws IOException {
        int n = hosts.length;
        Thread acceptor = daemon("sparktrain peer accept " + self, () -> accept(n - 1));
        acceptor.start();
        out = new DataOutputStream[n];
        outgoing = new Socket[n];
        for (int j = 0; j < n; j++) {
            if (j == self) continue;
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(hosts[j], ports[j]), timeoutMs);
            outgoing[j] = s;
            out[j] = new DataOutputStream(new BufferedOutputStream(new Counted(s.getOutputStream(), bytesOut), 1 << 16));
            out[j].writeLong(token);
            out[j].writeInt(self);
            out[j].flush();
        }
    }

    private void accept(int expected) {
        try {
            for (int i = 0; i < expected; i++) {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
                if (in.readLong() != token) { // not one of this stage's tasks
                    s.close();
                    i--;
                    continue;
                }
                int from = in.readInt();
                incoming.add(s);
                daemon("sparktrain peer " + from + "->" + self, () -> read(from, in)).start();
            }
        } catch (IOException e) {
            fail("task " + self + " stopped accepting its peers' links: " + e);
        }
    }

    private void read(int from, DataInputStream in) {
        try {
            while (true) {
                int kind = in.readInt();
                int seq = in.readInt();
                if (kind == SLICE) {
                    slices.add(new Message(kind, seq, from, Wire.readDoubles(in), null, null));
                } else if (kind == TREE) {
                    SumTree t = new SumTree();
                    t.readFrom(in);
                    trees.add(new Message(kind, seq, from, null, t, null));
                } else {
                    throw new IOException("unknown message kind " + kind);
                }
            }
        } catch (IOException e) {
            fail("the link from partition " + from + "'s task to " + self + "'s broke: " + e);
        }
    }

    private void fail(String why) {
        if (closing) return;
        Message m = new Message(FAILED, -1, -1, null, null, why);
        slices.add(m);
        trees.add(m);
    }

    /** Sends slice values to a task; {@code encoded} is {@code DoubleBytes.encode(values)} (null: encoded here). */
    void sendSlice(int to, int seq, double[] values, byte[] encoded) throws IOException {
        if (to == self) {
            slices.add(new Message(SLICE, seq, self, values, null, null));
            return;
        }
        DataOutputStream o = out[to];
        o.writeInt(SLICE);
        o.writeInt(seq);
        Wire.writeEncoded(o, encoded != null ? encoded : DoubleBytes.encode(values));
        o.flush();
    }

    void sendTree(int to, int seq, SumTree tree) throws IOException {
        if (to == self) {
            trees.add(new Message(TREE, seq, self, null, tree, null));
            return;
        }
        DataOutputStream o = out[to];
        o.writeInt(TREE);
        o.writeInt(seq);
        tree.writeTo(o);
        o.flush();
    }

    /** The next slice of step {@code seq}. */
    Message takeSlice(int seq, long timeoutMs) throws IOException {
        return take(slices, seq, timeoutMs);
    }

    /** The next tree of step {@code seq}. */
    Message takeTree(int seq, long timeoutMs) throws IOException {
        return take(trees, seq, timeoutMs);
    }

    private static Message take(BlockingQueue<Message> q, int seq, long timeoutMs) throws IOException {
        Message m;
        try {
            m = q.poll(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for a peer");
        }
        if (m == null) throw new IOException("no peer message within " + timeoutMs / 1000 + " s");
        if (m.kind() == FAILED) throw new IOException(m.failure());
        if (m.seq() != seq) throw new IOException("a peer sent step " + m.seq() + " while this task is at step " + seq);
        return m;
    }

    @Override
    public void close() {
        closing = true;
        closeQuietly(server);
        if (outgoing != null) for (Socket s : outgoing) closeQuietly(s);
        synchronized (incoming) {
            for (Socket s : incoming) closeQuietly(s);
        }
    }

    /** Closes {@code c} (null: nothing) when a stage or a link is over either way. */
    static void closeQuietly(Closeable c) {
        try {
            if (c != null) c.close();
        } catch (IOException ignored) {
            // the stage is over either way
        }
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
