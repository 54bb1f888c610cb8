package dev.sparktrain.bench;

import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.spark.ShardedStep;
import dev.sparktrain.spark.SliceNorm;
import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.train.StepBackend;
import dev.sparktrain.train.TrainSettings;
import dev.sparktrain.train.Trainer;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the fixed cost of a step goes, for the sharded step and the driver-side one, as the
 * number of tasks per stage grows: {@code scripts/sharded-probe.sh} (local mode: the driver and
 * the executor share the JVM, so a task's cost here is an upper bound on what the driver's
 * scheduler spends on it serially). Per step (median): wall time, the job (start to end event),
 * each stage (submitted to completed), the driver's time outside the job, and the tasks' own
 * time by phase: the parts docs/SCALING.md ("The fixed cost, taken apart") projects from.
 * {@code timeline=1} also prints the last run's final 60 job, stage and task events. The path
 * {@code persistent} is the sharded step in one persistent barrier stage (no job per step): only
 * its step time means something there.
 *
 * <pre>java ... ShardedProbe master=local[2] parts=2,8,32,128 steps=20 warm=5 model=mlp features=16 [timeline=1] [spark.*=...]</pre>
 */
public final class ShardedProbe {
    private ShardedProbe() {
    }

    public static void main(String[] args) {
        Map<String, String> k = new LinkedHashMap<>(Map.of("master", "local[2]", "parts", "2,8,32,128", "steps", "20",
                "warm", "5", "features", "16", "paths", "driver,sharded", "rows_per_part", "512", "model", "mlp", "timeline", "0"));
        Map<String, String> spark = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (a.startsWith("spark.") && eq > 0) {
                spark.put(a.substring(0, eq), a.substring(eq + 1));
                continue;
            }
            if (eq <= 0 || !k.containsKey(a.substring(0, eq))) throw new IllegalArgumentException("sharded-probe: unknown argument '"
                    + a + "'; keys: " + k.keySet() + ", spark.*");
            k.put(a.substring(0, eq), a.substring(eq + 1));
        }
        SparkConf conf = new SparkConf().setMaster(k.get("master")).setAppName("sparktrain sharded probe")
                .set("spark.ui.enabled", "false")
                .set(dev.sparktrain.spark.SparkBackend.PERSISTENT_STEPS_CONF, "false"); // the driver-side path's jobs are what it times
        spark.forEach(conf::set);
        int features = Integer.parseInt(k.get("features"));
        int steps = Integer.parseInt(k.get("steps")), warm = Integer.parseInt(k.get("warm"));
        int perPart = Integer.parseInt(k.get("rows_per_part"));
        boolean csr = k.get("model").equals("csr");
        try (JavaSparkContext jsc = new JavaSparkContext(conf)) {
            jsc.setLogLevel("WARN");
            Timeline tl = new Timeline();
            jsc.sc().addSparkListener(tl);
            System.out.printf(Locale.ROOT, "sharded probe: %s, model %s, %d rows per partition, full batch, Adam + clip 1.0, "
                    + "%d steps after %d warm-up (medians, ms)%n", k.get("master"), csr ? "csr: linear(32768 x P, 2) on "
                    + ScaleCase.CSR_NNZ + " non-zeros a row (one 65536-value slice per partition)" : BenchModel.mlp(features).text(),
                    perPart, steps, warm);
            if (perPart < dev.sparktrain.data.RowGroups.MIN_ROWS) { // the backend re-cuts blocks to its row groups
                System.out.printf(Locale.ROOT, "  (note: under %d rows a partition, the row groups put the rows in fewer partitions than P:"
                        + " fewer tasks compute, and the links carry fewer bytes than a step of P computing partitions)%n",
                        dev.sparktrain.data.RowGroups.MIN_ROWS);
            }
            System.out.printf(Locale.ROOT, "%-10s %6s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s %9s%n", "path", "tasks", "step",
                    "job", "driver", "stage1", "stage2", "stage3", "gaps", "task_run", "task_deser", "shuf_wr", "drv_cpu");
            List<PersistentProjection.Row> projected = new ArrayList<>();
            for (String path : k.get("paths").split(",")) {
                for (String ps : k.get("parts").split(",")) {
                    int parts = Integer.parseInt(ps.trim());
                    long rows = (long) perPart * parts;
                    BenchModel m = csr ? csrModel(parts) : BenchModel.mlp(features);
                    JavaRDD<PackedBlock> data = csr ? ScaleCase.data(jsc, "csr", m.net(), rows, parts, 42)
                            : SyntheticData.blocks(jsc, rows, features, parts, 42);
                    try {
                        double[] r = run(jsc, tl, data, m, path.trim(), warm, steps);
                        if (k.get("timeline").equals("1")) tl.printLast(60);
                        System.out.printf(Locale.ROOT, "%-10s %6.0f %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f %9.2f%n",
                                path, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11]);
                        System.out.printf(Locale.ROOT, "FIGURE probe_%s_p%d_driver_cpu_ms %.3f ms%n", path, parts, r[11]);
                        if (r.length > 12) {
                            System.out.printf(Locale.ROOT, "FIGURE probe_%s_p%d_process_cpu_ms %.3f ms%n", path, parts, r[12]);
                            projected.add(new PersistentProjection.Row(parts, r[12], r[11]));
                            // counted on the links (Spark's task metrics do not see them)
                            System.out.printf(Locale.ROOT, "FIGURE probe_%s_p%d_link_bytes_per_step %.0f bytes%n", path, parts, r[13]);
                            if (!csr && parts > 1) { // dense: every slice to every task, every tree slice to its owner
                                double model = 2.0 * 8 * m.net().paramCount() * (parts - 1);
                                System.out.printf(Locale.ROOT, "FIGURE probe_%s_p%d_link_bytes_over_model %.4f x (model: 2 x 8d x (P-1))%n",
                                        path, parts, r[13] / model);
                                System.out.printf(Locale.ROOT, "FIGURE probe_%s_p%d_cpu_ns_per_byte_moved %.3f ns (%.1f MB a step)%n", path,
                                        parts, (r[12] - r[11]) * 1e6 / r[13], r[13] / 1e6);
                            }
                        }
                        System.out.printf(Locale.ROOT, "FIGURE probe_%s_p%d_step_ms %.3f ms%n", path, parts, r[1]);
                        System.out.printf(Locale.ROOT, "FIGURE probe_%s_p%d_job_ms %.3f ms%n", path, parts, r[2]);
                    } finally {
                        data.unpersist(true);
                    }
                }
            }
            // the csr model: each partition touches rows × non-zeros columns of 2 outputs (at most); dense models: no sparse figure
            PersistentProjection.print(projected, csr ? 2.0 * perPart * ScaleCase.CSR_NNZ : Double.NaN, 0.2);
        }
    }

    /** Logistic regression with 2 logits over 32768 × parts columns: 2 × 65536 × parts weights, one slice per partition. */
    private static BenchModel csrModel(int parts) {
        var net = dev.sparktrain.nn.Sequential.parse("linear(" + 32768L * parts + ",2)", "probe");
        return new BenchModel("csr", net, dev.sparktrain.nn.Losses.create("CrossEntropyLoss",
                dev.sparktrain.config.Options.empty("loss"), 2), net.spec());
    }

    /**
     * Medians over the timed steps: {tasks per stage, step, job, the driver's time outside the job,
     * stage 1, 2, 3, gaps between stages, the tasks' run, deserialize and shuffle write times summed,
     * the training thread's CPU}.
     */
    private static double[] run(JavaSparkContext jsc, Timeline tl, JavaRDD<PackedBlock> data, BenchModel m, String path,
                                int warm, int steps) {
        jsc.sc().conf().set(SparkBackend.REDUCE_CONF, "driver");
        boolean persistent = path.equals("persistent");
        jsc.sc().conf().set(SparkBackend.PERSISTENT_STEPS_CONF, String.valueOf(persistent));
        double[] params = m.net().initParams(42);
        Trainer trainer = new Trainer(m.adam(1e-3), null, m.clip(1.0), new TrainSettings(warm + steps, 0, false, 42, null));
        List<Double> stepMs = new ArrayList<>();
        // the training thread's CPU per step: the driver's own work (for the persistent stage, all of it: no scheduler thread runs)
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long[] lastCpu = {mx.getCurrentThreadCpuTime(), os.getProcessCpuTime()};
        List<Double> cpuMs = new ArrayList<>();
        List<Double> processMs = new ArrayList<>();
        SparkBackend spark = new SparkBackend(jsc, data, null, m.net(), m.loss(), 0);
        int parts = data.getNumPartitions();
        long[] served = null;
        long linkBytes = 0;
        try (StepBackend sb = !path.equals("driver") ? new ShardedStep(spark, params, trainer.optimizer(),
                new SliceNorm(m.clip(1.0), m.net().paramCount()), parts) : spark) {
            if (sb instanceof ShardedStep sh) System.out.printf(Locale.ROOT, "  (%d slices%s)%n", sh.bounds().length - 1,
                    sh.sparse() ? ", sparse travel" : "");
            trainer.listen(StatsOnly.afterEachEpoch(st -> {
                stepMs.add(st.seconds() * 1e3);
                long now = mx.getCurrentThreadCpuTime(), proc = os.getProcessCpuTime();
                cpuMs.add((now - lastCpu[0]) / 1e6);
                processMs.add((proc - lastCpu[1]) / 1e6);
                lastCpu[0] = now;
                lastCpu[1] = proc;
                if (stepMs.size() == warm) {
                    TaskMetricsListener.drain(jsc.sc());
                    tl.clear();
                }
            }));
            trainer.fit(params, sb);
            if (sb instanceof ShardedStep sh) {
                served = sh.persistentSteps();
                linkBytes = sh.stageBytesSent();
            }
        }
        if (persistent) {
            System.out.printf(Locale.ROOT, "  (%d of %d steps served by %d stage(s), %d failed)%n", served[0], warm + steps, served[1],
                    served[2]);
        }
        TaskMetricsListener.drain(jsc.sc());
        double step = Stats.median(stepMs.subList(warm, stepMs.size()).stream().mapToDouble(Double::doubleValue).toArray());
        double cpu = Stats.median(cpuMs.subList(warm, cpuMs.size()).stream().mapToDouble(Double::doubleValue).toArray());
        if (persistent) {
            double[] r = new double[14];
            java.util.Arrays.fill(r, Double.NaN);
            r[13] = served[0] > 0 ? (double) linkBytes / served[0] : Double.NaN; // every step of a clean stage, warm-up included
            r[0] = parts;
            r[1] = step;
            r[11] = cpu;
            r[12] = Stats.median(processMs.subList(warm, processMs.size()).stream().mapToDouble(Double::doubleValue).toArray());
            return r;
        }
        List<double[]> jobs = tl.jobs(path.equals("sharded") ? 3 : 1); // the steps' jobs, not the final parameter fetch
        double[] med = new double[Timeline.COLUMNS];
        for (int c = 0; c < med.length; c++) {
            final int col = c;
            med[c] = Stats.median(jobs.stream().mapToDouble(j -> j[col]).toArray());
        }
        double job = med[1];
        // the driver's time outside the job: building RDDs, the update, cleaning up
        return new double[] {med[0], step, job, step - job, med[2], med[3], med[4], med[5], med[6], med[7], med[8], cpu};
    }

    /**
     * Per job, {@link #COLUMNS} figures: {tasks of its largest stage, job ms, stage 1, 2, 3 ms (by
     * stage id), gaps between them, the tasks' run time, deserialize time and shuffle write time summed}.
     */
    private static final class Timeline extends SparkListener {
        static final int COLUMNS = 9;

        private record Event(long time, String text) {
        }

        private final Map<Integer, long[]> jobTimes = new ConcurrentHashMap<>();
        private final Map<Integer, List<Integer>> jobStages = new ConcurrentHashMap<>();
        private final Map<Integer, long[]> stageTimes = new ConcurrentHashMap<>();
        private final Map<Integer, double[]> stageTasks = new ConcurrentHashMap<>();
        /** Every job, stage and task event since the last {@link #clear}, for {@code timeline=1}. */
        private final List<Event> events = java.util.Collections.synchronizedList(new ArrayList<>());

        void clear() {
            jobTimes.clear();
            events.clear();
            jobStages.clear();
            stageTimes.clear();
            stageTasks.clear();
        }

        @Override
        public void onJobStart(SparkListenerJobStart e) {
            jobTimes.put(e.jobId(), new long[] {e.time(), -1});
            events.add(new Event(e.time(), "job " + e.jobId() + " start"));
            List<Integer> ids = new ArrayList<>();
            scala.collection.Iterator<StageInfo> it = e.stageInfos().iterator();
            while (it.hasNext()) ids.add(it.next().stageId());
            ids.sort(null);
            jobStages.put(e.jobId(), ids);
        }

        @Override
        public void onJobEnd(SparkListenerJobEnd e) {
            long[] t = jobTimes.get(e.jobId());
            if (t != null) t[1] = e.time();
            events.add(new Event(e.time(), "job " + e.jobId() + " end"));
        }

        @Override
        public void onStageCompleted(SparkListenerStageCompleted e) {
            StageInfo s = e.stageInfo();
            if (s.submissionTime().isDefined() && s.completionTime().isDefined()) {
                long from = (Long) s.submissionTime().get(), to = (Long) s.completionTime().get();
                events.add(new Event(from, "stage " + s.stageId() + " submitted"));
                events.add(new Event(to, "stage " + s.stageId() + " completed"));
                stageTimes.put(s.stageId(), new long[] {from, to, s.numTasks()});
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd e) {
            if (e.taskMetrics() == null) return;
            var t = e.taskMetrics();
            var i = e.taskInfo();
            events.add(new Event(i.launchTime(), "task " + i.taskId() + " (stage " + e.stageId() + ") launched"));
            events.add(new Event(i.finishTime(), "task " + i.taskId() + " finished: deser " + t.executorDeserializeTime()
                    + " run " + t.executorRunTime() + " resultser " + t.resultSerializationTime() + " gettingResult "
                    + (i.gettingResult() ? i.finishTime() - i.gettingResultTime() : 0) + " shufwrite "
                    + t.shuffleWriteMetrics().writeTime() / 1000000 + " fetchwait " + t.shuffleReadMetrics().fetchWaitTime()));
            double[] a = stageTasks.computeIfAbsent(e.stageId(), x -> new double[3]);
            synchronized (a) {
                a[0] += t.executorRunTime();
                a[1] += t.executorDeserializeTime();
                a[2] += t.shuffleWriteMetrics().writeTime() / 1e6;
            }
        }

        /** The last {@code n} events in time order, each relative to the first of them. */
        void printLast(int n) {
            List<Event> ev = new ArrayList<>(events);
            ev.sort(java.util.Comparator.comparingLong(Event::time));
            List<Event> last = ev.subList(Math.max(0, ev.size() - n), ev.size());
            if (last.isEmpty()) return;
            long t0 = last.get(0).time();
            for (Event x : last) System.out.println("  +" + (x.time() - t0) + " ms " + x.text());
        }

        /** The jobs that ran at least {@code stages} stages (a step's), in id order. */
        List<double[]> jobs(int stages) {
            List<double[]> out = new ArrayList<>();
            jobTimes.keySet().stream().sorted().forEach(id -> {
                long[] t = jobTimes.get(id);
                List<long[]> ran = new ArrayList<>();
                double run = 0, deser = 0, write = 0, tasks = 0;
                for (int s : jobStages.getOrDefault(id, List.of())) {
                    long[] st = stageTimes.get(s);
                    if (st == null) continue; // skipped (already computed)
                    ran.add(st);
                    tasks = Math.max(tasks, st[2]);
                    double[] a = stageTasks.getOrDefault(s, new double[3]);
                    run += a[0];
                    deser += a[1];
                    write += a[2];
                }
                if (t[1] < 0 || ran.size() < stages) return;
                double[] r = new double[COLUMNS];
                r[0] = tasks;
                r[1] = t[1] - t[0];
                for (int i = 0; i < Math.min(3, ran.size()); i++) r[2 + i] = ran.get(i)[1] - ran.get(i)[0];
                r[5] = r[1] - ran.stream().mapToDouble(st -> st[1] - st[0]).sum();
                r[6] = run;
                r[7] = deser;
                r[8] = write;
                out.add(r);
            });
            return out;
        }
    }
}
