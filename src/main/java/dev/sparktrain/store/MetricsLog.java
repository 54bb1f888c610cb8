package dev.sparktrain.store;

import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.StepStats;
import dev.sparktrain.train.TrainListener;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparktrain.SparkTrainException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.jsonl} and {@code metrics.csv} in the run's output directory: one row per epoch
 * (and, with {@code metrics.per_step}, one per optimizer step before it), rewritten after every
 * epoch (write to a temporary name, rename: works on file systems without append, e.g. S3A).
 *
 * <p>Epoch rows: {@code kind=epoch, epoch, step, train_loss, train_accuracy, val_loss,
 * val_accuracy, val_rmse, lr (one per param group), grad_norm, seconds, rows_per_second}.
 * Accuracies are null for regression (MSELoss), val_rmse is null for classification; missing
 * figures are JSON null / empty CSV cells. Step rows: {@code kind=step, epoch, step, train_loss
 * (the batch's mean loss before the step), lr, grad_norm, seconds, rows_per_second}. With
 * {@code train.nonfinite = skip} ({@link #countSkippedSteps}) every row also has
 * {@code skipped_steps}: the optimizer steps of that epoch skipped for a NaN/Inf loss or gradient
 * (a skipped step's own row: 1, with its loss and grad_norm null).
 */
public final class MetricsLog implements TrainListener {
    public static final String JSONL = "metrics.jsonl";
    public static final String CSV = "metrics.csv";
    static final List<String> COLUMNS = List.of("kind", "epoch", "step", "train_loss", "train_accuracy", "val_loss",
            "val_accuracy", "val_rmse", "lr", "grad_norm", "seconds", "rows_per_second", "skipped_steps");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String dir;
    private final Configuration conf;
    private final boolean perStep;
    private final boolean regression;
    private final List<Map<String, Object>> rows = new ArrayList<>();
    private boolean countSkipped;
    private int skippedThisEpoch;

    /**
     * @param regression true for MSELoss: val_rmse instead of accuracies
     * @param prior      rows of the epochs before a resume (in order), else empty
     */
    public MetricsLog(String dir, Configuration conf, boolean perStep, boolean regression, List<Map<String, Object>> prior) {
        this.dir = dir;
        this.conf = conf;
        this.perStep = perStep;
        this.regression = regression;
        rows.addAll(prior);
    }

    /** Adds {@code skipped_steps} to every row from now on (train.nonfinite = skip). */
    public MetricsLog countSkippedSteps() {
        countSkipped = true;
        return this;
    }

    /** Steps skipped over the whole run (the epochs before a resume included), from the epoch rows. */
    public long skippedSteps() {
        long n = 0;
        for (Map<String, Object> r : epochRows()) if (r.get("skipped_steps") instanceof Number k) n += k.longValue();
        return n;
    }

    /** Every row so far. */
    public List<Map<String, Object>> rows() {
        return List.copyOf(rows);
    }

    /** Only the epoch rows so far. */
    public List<Map<String, Object>> epochRows() {
        return rows.stream().filter(r -> "epoch".equals(r.get("kind"))).toList();
    }

    @Override
    public void afterStep(StepStats s) {
        if (!perStep) return;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "step");
        m.put("epoch", s.epoch());
        m.put("step", s.step());
        m.put("train_loss", finite(s.loss()));
        m.put("lr", list(s.lr()));
        m.put("grad_norm", finite(s.gradNorm()));
        m.put("seconds", s.seconds());
        m.put("rows_per_second", finite(s.rows() / s.seconds()));
        if (countSkipped) m.put("skipped_steps", 0);
        rows.add(m);
    }

    @Override
    public void skippedStep(int epoch, long step, String reason) {
        skippedThisEpoch++;
        if (!perStep) return;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "step");
        m.put("epoch", epoch);
        m.put("step", step);
        m.put("train_loss", null);
        m.put("grad_norm", null);
        m.put("skipped_steps", 1);
        rows.add(m);
    }

    @Override
    public boolean needsParams(EpochStats s) {
        return false;
    }

    @Override
    public void afterEpoch(EpochStats s, double[] params) {
        Map<String, Object> row = epochRow(s, regression);
        if (countSkipped || skippedThisEpoch > 0) row.put("skipped_steps", skippedThisEpoch);
        skippedThisEpoch = 0;
        rows.add(row);
        write();
    }

    /** Every epoch's row without its kind: model.json's history. */
    public static List<Map<String, Object>> historyRows(List<EpochStats> history, boolean regression) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (EpochStats s : history) rows.add(historyRow(s, regression));
        return rows;
    }

    /** One epoch's row without its kind (model.json's history, a Spark ML fit's checkpoint rows). */
    public static Map<String, Object> historyRow(EpochStats s, boolean regression) {
        Map<String, Object> r = epochRow(s, regression);
        r.remove("kind");
        return r;
    }

    /** One epoch's row (also the form of model.json's history and of a checkpoint's metrics). */
    public static Map<String, Object> epochRow(EpochStats s, boolean regression) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "epoch");
        m.put("epoch", s.epoch());
        m.put("step", s.steps());
        m.put("train_loss", finite(s.trainLoss()));
        m.put("train_accuracy", regression ? null : finite(s.trainAccuracy()));
        m.put("val_loss", finite(s.valLoss()));
        m.put("val_accuracy", regression ? null : finite(s.valAccuracy()));
        m.put("val_rmse", regression ? finite(Math.sqrt(s.valLoss())) : null);
        m.put("lr", list(s.lr()));
        m.put("grad_norm", finite(s.gradNorm()));
        m.put("seconds", s.seconds());
        m.put("rows_per_second", finite(s.rowsPerSecond()));
        return m;
    }

    /**
     * An epoch row read back (from a checkpoint) as figures; nulls become NaN. A row without a
     * numeric epoch and step, or with an lr that is not a list, is refused.
     */
    public static EpochStats toStats(Map<String, Object> r) {
        if (r == null || !(r.get("epoch") instanceof Number) || !(r.get("step") instanceof Number)
                || (r.get("lr") != null && !(r.get("lr") instanceof List<?>))) {
            String shown = String.valueOf(r);
            throw new SparkTrainException("metrics row " + (shown.length() > 200 ? shown.substring(0, 200) + "..." : shown)
                    + ": expected numbers 'epoch' and 'step' and a list 'lr'");
        }
        List<?> lr = (List<?>) r.get("lr");
        double[] lrs = new double[lr == null ? 0 : lr.size()];
        for (int i = 0; i < lrs.length; i++) lrs[i] = num(lr.get(i));
        return new EpochStats(((Number) r.get("epoch")).intValue(), ((Number) r.get("step")).longValue(),
                num(r.get("train_loss")), num(r.get("train_accuracy")), num(r.get("val_loss")), num(r.get("val_accuracy")),
                lrs, num(r.get("grad_norm")), num(r.get("seconds")), num(r.get("rows_per_second")));
    }

    /** Rows of an existing metrics.jsonl in {@code dir}; empty when there is none. */
    @SuppressWarnings("unchecked")
    public static List<Map<String, Object>> read(String dir, Configuration conf) {
        try {
            Path p = new Path(dir, JSONL);
            FileSystem fs = ModelIO.fileSystem(p, conf);
            if (!fs.exists(p)) return List.of();
            List<Map<String, Object>> out = new ArrayList<>();
            int n = 0;
            for (String line : new String(ModelIO.readAll(fs, p), StandardCharsets.UTF_8).split("\n")) {
                n++;
                if (line.isBlank()) continue;
                Map<String, Object> row;
                try {
                    row = JSON.readValue(line, Map.class);
                } catch (IOException e) {
                    row = null;
                }
                if (row == null) throw new SparkTrainException(p + ":" + n + ": not a JSON object");
                out.add(row);
            }
            return out;
        } catch (IOException e) {
            throw new SparkTrainException("cannot read " + dir + "/" + JSONL + ": " + e.getMessage(), e);
        }
    }

    /** Writes both files now. */
    public void write() {
        try {
            Path d = new Path(dir);
            FileSystem fs = ModelIO.fileSystem(d, conf);
            fs.mkdirs(d);
            StringBuilder j = new StringBuilder();
            for (Map<String, Object> r : rows) j.append(JSON.writeValueAsString(r)).append('\n');
            ModelIO.writeAtomically(fs, new Path(d, JSONL), j.toString().getBytes(StandardCharsets.UTF_8));
            ModelIO.writeAtomically(fs, new Path(d, CSV), csv(rows).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SparkTrainException("cannot write metrics to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The rows as CSV: the JSON fields, with lr spread over lr_0..lr_{g-1}. */
    public static String csv(List<Map<String, Object>> rows) {
        int groups = 0;
        boolean skipped = false;
        for (Map<String, Object> r : rows) {
            if (r.get("lr") instanceof List<?> l) groups = Math.max(groups, l.size());
            skipped |= r.containsKey("skipped_steps");
        }
        List<String> columns = skipped ? COLUMNS : COLUMNS.subList(0, COLUMNS.size() - 1);
        StringBuilder b = new StringBuilder();
        List<String> header = new ArrayList<>();
        for (String c : columns) {
            if (!c.equals("lr")) header.add(c);
            else for (int g = 0; g < groups; g++) header.add("lr_" + g);
        }
        b.append(String.join(",", header)).append('\n');
        for (Map<String, Object> r : rows) {
            List<String> cells = new ArrayList<>();
            for (String c : columns) {
                if (!c.equals("lr")) {
                    Object v = r.get(c);
                    cells.add(v == null ? "" : String.valueOf(v));
                } else {
                    List<?> l = r.get("lr") instanceof List<?> x ? x : List.of();
                    for (int g = 0; g < groups; g++) cells.add(g < l.size() ? String.valueOf(l.get(g)) : "");
                }
            }
            b.append(String.join(",", cells)).append('\n');
        }
        return b.toString();
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    private static List<Double> list(double[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (double x : v) l.add(x);
        return l;
    }
}
