package dev.sparktrain.spark;

import dev.sparktrain.data.DoubleBytes;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.RowGroups;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Sequential;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.TaskContext;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The barrier task: connects to the driver, then answers each step with its partition's
 * partial tree ({@link SumTasks.Step#sums}, the job path's own computation) until told to end.
 */
record PersistentStepsWorker(String host, int port, long token, Sequential model, Loss loss, String runKey, RowGroups groups, long rows,
                             boolean shuffled)
        implements scala.Function1<scala.collection.Iterator<PackedBlock>, scala.collection.Iterator<Integer>>, Serializable {

    @Override
    public scala.collection.Iterator<Integer> apply(scala.collection.Iterator<PackedBlock> it) {
        List<PackedBlock> blocks = new ArrayList<>();
        while (it.hasNext()) blocks.add(it.next());
        int partition = BarrierTaskContext.get().partitionId();
        try (Socket s = new Socket(host, port)) {
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
            out.writeLong(token);
            out.writeInt(partition);
            out.flush();
            byte[] raw = new byte[0];
            double[] params = new double[0];
            EpochOrder order = null;
            while (in.readInt() == PersistentSteps.STEP) {
                int epoch = in.readInt();
                long key = in.readLong();
                if (order == null || order.key() != key) order = EpochOrder.ofKey(rows, shuffled, key);
                long from = in.readLong();
                long to = in.readLong();
                int threads = in.readInt();
                int d = in.readInt();
                if (params.length != d) {
                    raw = new byte[Math.multiplyExact(d, Double.BYTES)];
                    params = new double[d];
                }
                in.readFully(raw);
                DoubleBytes.decode(raw, params);
                SumTasks.Step step = new SumTasks.Step(model, loss, runKey, new SparkBackend.Weights(params, null), order, groups,
                        epoch, from, to, threads);
                // through the task entry of the job path: an OutOfMemoryError becomes its one-line error there
                step.apply(TaskContext.get(), scala.jdk.javaapi.CollectionConverters.asScala(blocks.iterator())).writeTo(out);
                out.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("persistent steps: partition " + partition + " lost the driver: " + e.getMessage(), e);
        }
        return scala.jdk.javaapi.CollectionConverters.asScala(Collections.<Integer>emptyIterator());
    }
}
