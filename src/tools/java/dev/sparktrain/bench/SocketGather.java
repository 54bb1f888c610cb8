package dev.sparktrain.bench;

import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * {@link BarrierProbe}'s all-gather without Spark's barrier RPC: a coordinator thread on the driver
 * accepts the n barrier tasks' connections, and each round reads one small message from every
 * task in partition order and sends all n back to each. Blocking sockets, no sleeps: the latency
 * of a round is the network's and the coordinator's.
 */
final class SocketGather {
    /** Bytes each task sends per round: a handful of scalars (loss, counts, norm partials). */
    static final int MESSAGE = 64;

    private SocketGather() {
    }

    /** Milliseconds of each of {@code rounds} all-gathers among n barrier tasks, on task 0's clock. */
    static double[] rounds(JavaSparkContext jsc, int n, int rounds) {
        String host = jsc.getConf().get("spark.driver.host", "127.0.0.1");
        try (ServerSocket server = new ServerSocket(0, n, InetAddress.getByName(host))) {
            int port = server.getLocalPort();
            Thread coordinator = new Thread(() -> coordinate(server, n, rounds + 5), "socket-gather coordinator");
            coordinator.setDaemon(true);
            coordinator.start();
            List<Integer> seeds = new ArrayList<>();
            for (int i = 0; i < n; i++) seeds.add(i);
            scala.Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<double[]>> task =
                    (scala.Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<double[]>> & java.io.Serializable)
                            it -> scala.jdk.javaapi.CollectionConverters.asScala(taskRounds(host, port, n, rounds));
            double[][] out = (double[][]) jsc.parallelize(seeds, n).rdd().barrier()
                    .mapPartitions(task, false, scala.reflect.ClassTag$.MODULE$.apply(double[].class)).collect();
            coordinator.join(10_000);
            return out[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Iterator<double[]> taskRounds(String host, int port, int n, int rounds) {
        int me = BarrierTaskContext.get().partitionId();
        double[] ms = new double[rounds];
        try (Socket s = new Socket(host, port)) {
            s.setTcpNoDelay(true);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            DataInputStream in = new DataInputStream(s.getInputStream());
            out.writeInt(me);
            out.flush();
            byte[] msg = new byte[MESSAGE];
            byte[] all = new byte[MESSAGE * n];
            for (int r = -5; r < rounds; r++) {
                long t0 = System.nanoTime();
                msg[0] = (byte) me;
                out.write(msg);
                out.flush();
                in.readFully(all);
                if (all[MESSAGE * (n - 1)] != (byte) (n - 1)) throw new IllegalStateException("messages out of order");
                if (r >= 0) ms[r] = (System.nanoTime() - t0) / 1e6;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return me == 0 ? Collections.singletonList(ms).iterator() : Collections.emptyIterator();
    }

    private static void coordinate(ServerSocket server, int n, int rounds) {
        Socket[] byPartition = new Socket[n];
        try {
            for (int i = 0; i < n; i++) {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                byPartition[new DataInputStream(s.getInputStream()).readInt()] = s;
            }
            byte[] all = new byte[MESSAGE * n];
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < n; i++) new DataInputStream(byPartition[i].getInputStream()).readFully(all, i * MESSAGE, MESSAGE);
                for (Socket s : byPartition) {
                    s.getOutputStream().write(all);
                    s.getOutputStream().flush();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (Socket s : byPartition) {
                try {
                    if (s != null) s.close();
                } catch (IOException ignored) {
                    // closing after the last round: nothing left to lose
                }
            }
        }
    }
}
