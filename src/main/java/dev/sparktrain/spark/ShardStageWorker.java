package dev.sparktrain.spark;

import dev.sparktrain.data.DoubleBytes;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.RowGroups;
import dev.sparktrain.data.SumTree;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Sequential;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple2;

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
import java.util.Map;

/**
 * A task of the persistent sharded stage ({@link ShardStage}): partition p's rows and, for p below
 * the slice count, slice p's parameters and optimizer state, kept in the task from step to step.
 * Each step the driver sends a few numbers (the batch, and its decision about the last gradient);
 * the task then does what the three stages of a {@link ShardedStep} job do, with the same
 * functions, over direct links to the other tasks ({@link PeerMesh}):
 * <ol>
 *   <li>an owner applies the decided update ({@link ShardedStep#updated}) and sends its slice, or
 *       its values at a partition's picks, to every partition holding rows of the batch;</li>
 *   <li>a holding partition assembles its weights, computes its partial tree
 *       ({@link SumTasks.Step}) and sends each owner its slice of the tree;</li>
 *   <li>an owner merges the trees ({@link OwnerSums}) and reports the scalars and its norm
 *       partials to the driver; every other task reports an empty line, so the driver knows the
 *       step is over everywhere.</li>
 * </ol>
 * When the stage ends the owners apply the last decision and return their shards: the stage's
 * output is the next state.
 */
record ShardStageWorker(String driverHost, int driverPort, long token, Sequential model, Loss loss, String runKey,
                        RowGroups groups, long rows, boolean shuffled, int[] bounds, SliceNorm norm, LongAccumulator gathered,
                        LongAccumulator scattered, LongAccumulator linkBytes)
        implements scala.Function1<scala.collection.Iterator<ShardStageWorker.Input>, scala.collection.Iterator<Shard>>, Serializable {
    static final int STEP = 1;
    static final int END = 0;
    /** How long a task waits for a peer's slice or tree: a step's compute, with room to spare. */
    private static final long PEER_MS = 600_000;

    /**
     * One partition's share: its shard (null: it owns no slice), its picks as owner (partition →
     * indices into the slice's vector; null: dense), its compact view (null: dense) and its blocks.
     */
    record Input(Shard shard, Map<Integer, int[]> picks, CompactPartition compact, List<PackedBlock> blocks) {
    }

    @Override
    public scala.collection.Iterator<Shard> apply(scala.collection.Iterator<Input> it) {
        Input input = it.next();
        int p = BarrierTaskContext.get().partitionId();
        Shard shard = input.shard();
        String host = SparkEnv.get().blockManager().blockManagerId().host();
        try (Socket s = new Socket(driverHost, driverPort);
             PeerMesh mesh = new PeerMesh(p, BarrierTaskContext.get().getTaskInfos().length, token, host)) {
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
            out.writeLong(token);
            out.writeInt(p);
            out.writeUTF(host);
            out.writeInt(mesh.port());
            out.flush();
            int n = in.readInt();
            String[] hosts = new String[n];
            int[] ports = new int[n];
            for (int j = 0; j < n; j++) {
                hosts[j] = in.readUTF();
                ports[j] = in.readInt();
            }
            mesh.connect(hosts, ports, 60_000);
            out.writeInt(0); // connected to every peer
            out.flush();
            EpochOrder order = null;
            while (in.readInt() == STEP) {
                int seq = in.readInt();
                int epoch = in.readInt();
                long key = in.readLong();
                if (order == null || order.key() != key) order = EpochOrder.ofKey(rows, shuffled, key);
                long from = in.readLong();
                long to = in.readLong();
                int threads = in.readInt();
                int[] holding = Wire.readInts(in);
                shard = decided(shard, in);
                shard = step(mesh, input, shard, seq, order, epoch, from, to, threads, holding);
                Wire.writeDoubles(out, shard == null ? new double[0] : ShardedStep.report(shard, norm));
                out.flush();
            }
            shard = decided(shard, in);
            linkBytes.add(mesh.bytesSent()); // a lost stage's attempt does not count (Spark drops failed tasks' updates)
            out.writeInt(0); // the decision is applied: the driver may close the links
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("persistent sharded steps: partition " + p + ": " + e.getMessage(), e);
        }
        return scala.jdk.javaapi.CollectionConverters.asScala(
                shard == null ? Collections.<Shard>emptyIterator() : List.of(shard.withoutGradient()).iterator());
    }

    private Shard decided(Shard shard, DataInputStream in) throws IOException {
        StepDecision d = StepDecision.readFrom(in);
        if (d.kind() == StepDecision.NONE || shard == null) return shard;
        if (d.kind() == StepDecision.SKIP) return shard.withoutGradient();
        return ShardedStep.updated(shard, d, norm);
    }

    /** Returns the owner's shard with this step's gradient (null: this task owns no slice). */
    private Shard step(PeerMesh mesh, Input input, Shard shard, int seq, EpochOrder order, int epoch, long from, long to,
                       int threads, int[] holding) throws IOException {
        int p = BarrierTaskContext.get().partitionId();
        if (shard != null) {
            long sent = 0;
            byte[] whole = null; // dense: the same slice for every holding partition, encoded once
            for (int h : holding) {
                double[] v = input.picks() == null ? shard.params() : SparseNeeds.values(shard.params(), input.picks().get(h));
                if (input.picks() == null && whole == null && h != p) whole = DoubleBytes.encode(v);
                mesh.sendSlice(h, seq, v, input.picks() == null ? whole : null);
                sent += v.length;
            }
            gathered.add(sent);
        }
        boolean holds = false;
        for (int h : holding) holds |= h == p;
        // every partition sends its trees, as in the job path: one that holds no rows marks its leaves empty
        double[] w = null;
        CompactPartition c = input.compact();
        if (holds) {
            List<SliceGather.SliceValues> got = new ArrayList<>(bounds.length - 1);
            for (int k = 0; k + 1 < bounds.length; k++) {
                PeerMesh.Message m = mesh.takeSlice(seq, PEER_MS);
                got.add(new SliceGather.SliceValues(m.from(), m.values()));
            }
            w = SliceGather.assemble(got.iterator(), c == null ? bounds : c.cut());
        }
        Sequential m = CompactPartition.model(c, model);
        SumTasks.Step task = new SumTasks.Step(m, loss, runKey, new SparkBackend.Weights(w, null), order, groups, epoch, from, to,
                threads);
        // through the task's apply: an out-of-memory error becomes its one line, as in the job path
        SumTree tree = task.apply(TaskContext.get(), scala.jdk.javaapi.CollectionConverters.asScala(input.blocks().iterator()));
        SumTree[] cut = tree.sliced(c == null ? bounds : c.cut(), BatchKernel.STATS);
        long sent = 0;
        for (int k = 0; k < cut.length; k++) {
            mesh.sendTree(k, seq, cut[k]);
            sent += cut[k].values();
        }
        scattered.add(sent);
        if (shard == null) return null;
        int tasks = BarrierTaskContext.get().getTaskInfos().length;
        List<Tuple2<int[], SumTree>> trees = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            PeerMesh.Message t = mesh.takeTree(seq, PEER_MS);
            trees.add(new Tuple2<>(input.picks() == null ? null : input.picks().get(t.from()), t.tree()));
        }
        return new OwnerSums(loss.reduction()).call(List.of(shard).iterator(), trees.iterator()).next();
    }
}
