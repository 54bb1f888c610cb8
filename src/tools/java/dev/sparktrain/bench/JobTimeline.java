package dev.sparktrain.bench;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Start and end times (ms, Spark's clock = wall clock) of every job, with the name of its first
 * stage ("treeAggregate at GradientDescent.scala:…"): lets us time the iterations inside one
 * MLlib {@code fit()} apart from its set-up.
 */
final class JobTimeline extends SparkListener {
    record Job(int id, String name, long start, long end) {
    }

    private final Map<Integer, long[]> times = new ConcurrentHashMap<>();
    /** Per finished task: deserialize ms, deserialize CPU ns, run ms, result serialization ms, result bytes. */
    private final List<double[]> tasks = java.util.Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        if (e.taskMetrics() == null) return;
        var m = e.taskMetrics();
        tasks.add(new double[] {m.executorDeserializeTime(), m.executorDeserializeCpuTime(), m.executorRunTime(),
                m.resultSerializationTime(), m.resultSize()});
    }

    /** Means over the finished tasks of the columns of {@link #tasks}; waits for late events. */
    double[] taskMeans() {
        settle();
        double[] sum = new double[5];
        synchronized (tasks) {
            for (double[] t : tasks) for (int i = 0; i < sum.length; i++) sum[i] += t[i];
            for (int i = 0; i < sum.length; i++) sum[i] /= Math.max(1, tasks.size());
        }
        return sum;
    }

    private void settle() {
        for (int attempt = 0; attempt < 50; attempt++) {
            boolean pending = times.values().stream().anyMatch(t -> t[1] < 0);
            if (!pending) break;
            try {
                Thread.sleep(100);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            Thread.sleep(200); // task-end events trail job-end events
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
    private final Map<Integer, String> names = new ConcurrentHashMap<>();

    @Override
    public void onJobStart(SparkListenerJobStart e) {
        times.put(e.jobId(), new long[] {e.time(), -1});
        String name = "";
        scala.collection.Iterator<StageInfo> it = e.stageInfos().iterator();
        int minStage = Integer.MAX_VALUE;
        while (it.hasNext()) {
            StageInfo s = it.next();
            if (s.stageId() < minStage) {
                minStage = s.stageId();
            }
            // the final (result) stage carries the action's call site
            if (name.isEmpty() || s.name().startsWith("treeAggregate") || s.name().startsWith("count")) name = s.name();
        }
        names.put(e.jobId(), name);
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd e) {
        long[] t = times.get(e.jobId());
        if (t != null) t[1] = e.time();
    }

    void clear() {
        times.clear();
        names.clear();
        tasks.clear();
    }

    /** Finished jobs whose stage name contains {@code part}, in id order (waits for late events). */
    List<Job> jobs(String part) {
        List<Job> out = new ArrayList<>();
        settle();
        times.keySet().stream().sorted().forEach(id -> {
            String n = names.getOrDefault(id, "");
            long[] t = times.get(id);
            if (n.contains(part) && t[1] >= 0) out.add(new Job(id, n, t[0], t[1]));
        });
        return out;
    }
}
