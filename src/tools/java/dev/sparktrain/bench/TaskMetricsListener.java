package dev.sparktrain.bench;

import org.apache.spark.executor.ShuffleReadMetrics;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.storage.BlockUpdatedInfo;
import org.apache.spark.storage.BroadcastBlockId;

import java.util.HashMap;
import java.util.Map;

/**
 * Running totals of what Spark moved, from its own task metrics and block updates, for the
 * {@code scale} benchmark. Read with {@link #snapshot()} after the listener bus is drained
 * ({@link #drain}); a step's figures are the difference of two snapshots.
 * <ul>
 *   <li>into the driver: every task's {@code resultSize} (trees, or a shuffle task's MapStatus
 *       plus its metrics);</li>
 *   <li>broadcast: bytes of broadcast pieces ({@code broadcast_N_pieceM}) stored by executors,
 *       i.e. fetched by them (the weights and every job's task binary). Spark does not say who
 *       served a piece (driver or another executor), so as "out of the driver" this is an upper
 *       bound; the lower bound is one copy;</li>
 *   <li>between executors: shuffle bytes written and read (remote = over the network).</li>
 * </ul>
 */
final class TaskMetricsListener extends SparkListener {
    /** Totals since the listener was added. */
    record Totals(long tasks, long jobs, long resultBytes, long bcastPieces, long bcastBytes, long shuffleWrite,
                  long shuffleRemoteBytes, long shuffleLocalBytes, long shuffleBlocks, long firstStageCpuNs,
                  long firstStageRunMs) {
        Totals minus(Totals o) {
            return new Totals(tasks - o.tasks, jobs - o.jobs, resultBytes - o.resultBytes, bcastPieces - o.bcastPieces,
                    bcastBytes - o.bcastBytes, shuffleWrite - o.shuffleWrite, shuffleRemoteBytes - o.shuffleRemoteBytes,
                    shuffleLocalBytes - o.shuffleLocalBytes, shuffleBlocks - o.shuffleBlocks,
                    firstStageCpuNs - o.firstStageCpuNs, firstStageRunMs - o.firstStageRunMs);
        }
    }

    private long tasks;
    private long jobs;
    private long resultBytes;
    private long bcastPieces;
    private long bcastBytes;
    private long shuffleWrite;
    private long shuffleRemote;
    private long shuffleLocal;
    private long shuffleBlocks;
    private long firstCpu;
    private long firstRun;
    /** Stages that are the first (lowest id) of their job: the gradient computation. */
    private final Map<Integer, Boolean> firstStage = new HashMap<>();

    @Override
    public synchronized void onJobStart(SparkListenerJobStart e) {
        jobs++;
        scala.collection.Iterator<Object> it = e.stageIds().iterator();
        int min = Integer.MAX_VALUE;
        while (it.hasNext()) min = Math.min(min, (Integer) it.next());
        firstStage.put(min, true);
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
        TaskMetrics m = e.taskMetrics();
        tasks++;
        if (m == null) return;
        resultBytes += m.resultSize();
        shuffleWrite += m.shuffleWriteMetrics().bytesWritten();
        ShuffleReadMetrics r = m.shuffleReadMetrics();
        shuffleRemote += r.remoteBytesRead();
        shuffleLocal += r.localBytesRead();
        shuffleBlocks += r.remoteBlocksFetched() + r.localBlocksFetched();
        if (firstStage.containsKey(e.stageId())) {
            firstCpu += m.executorCpuTime();
            firstRun += m.executorRunTime();
        }
    }

    @Override
    public synchronized void onBlockUpdated(SparkListenerBlockUpdated e) {
        BlockUpdatedInfo b = e.blockUpdatedInfo();
        if (!(b.blockId() instanceof BroadcastBlockId id) || !id.field().startsWith("piece")) return;
        if (b.blockManagerId().isDriver() || !b.storageLevel().isValid()) return; // the driver's own copy; removals
        bcastPieces++;
        bcastBytes += b.memSize() + b.diskSize();
    }

    synchronized Totals snapshot() {
        return new Totals(tasks, jobs, resultBytes, bcastPieces, bcastBytes, shuffleWrite, shuffleRemote, shuffleLocal,
                shuffleBlocks, firstCpu, firstRun);
    }

    /** Waits until every event posted so far has reached the listeners. */
    static void drain(org.apache.spark.SparkContext sc) {
        try {
            sc.listenerBus().waitUntilEmpty(60_000);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Spark's listener bus did not drain in 60 s", e);
        }
    }
}
