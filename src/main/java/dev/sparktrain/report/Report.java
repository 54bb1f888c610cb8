package dev.sparktrain.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.store.MetricsLog;
import dev.sparktrain.store.ModelIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run report: {@code report.html} (self-contained: inline CSS and SVG charts, no scripts or
 * external resources) and {@code report.png} (the same charts, drawn with java.awt) in a run's
 * output directory, from its {@code metrics.jsonl} (or, without one, model.json's history).
 * Charts per epoch: loss (train and validation), accuracy (or validation RMSE for regression) and
 * the lr of every param group.
 */
public final class Report {
    public static final String HTML = "report.html";
    public static final String PNG = "report.png";
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};
    private static final ObjectMapper JSON = new ObjectMapper();

    private Report() {
    }

    /** What was written: the HTML path and the PNG path (null when java.awt could not draw it). */
    public record Written(String html, String png, String pngProblem) {
    }

    /** Writes the report of the run in {@code dir}. */
    public static Written write(String dir, Configuration conf) {
        Map<String, Object> model = readModelJson(dir, conf);
        List<Map<String, Object>> rows = epochRows(dir, conf, model);
        if (rows.isEmpty()) throw new SparkTrainException(dir + ": no metrics.jsonl and no model.json history: nothing to report");
        List<Chart> charts;
        String html;
        try {
            charts = charts(rows, 560, 300);
            html = html(dir, model, rows, charts);
        } catch (ClassCastException | NullPointerException e) { // a field of another type than a run writes
            throw new SparkTrainException(dir + ": model.json or metrics.jsonl has a field of an unexpected type ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        try {
            Path d = new Path(dir);
            FileSystem fs = ModelIO.fileSystem(d, conf);
            ModelIO.writeAtomically(fs, new Path(d, HTML), html.getBytes(StandardCharsets.UTF_8));
            String png = null;
            String problem = null;
            try {
                ModelIO.writeAtomically(fs, new Path(d, PNG), Png.render(charts, "sparktrain: " + dir));
                png = new Path(d, PNG).toString();
            } catch (RuntimeException | LinkageError e) { // no java.awt on this JVM
                problem = e.toString();
            }
            return new Written(new Path(d, HTML).toString(), png, problem);
        } catch (IOException e) {
            throw new SparkTrainException("cannot write the report to " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The charts of a run's epoch rows. */
    public static List<Chart> charts(List<Map<String, Object>> rows, int w, int h) {
        double[] epoch = column(rows, "epoch");
        List<Chart> charts = new ArrayList<>();
        charts.add(new Chart("Loss", "epoch", "loss", List.of(
                new Chart.Series("train", COLORS[0], epoch, column(rows, "train_loss")),
                new Chart.Series("validation", COLORS[1], epoch, column(rows, "val_loss"))), false, w, h));
        double[] trainAcc = scale(column(rows, "train_accuracy"), 100);
        double[] valAcc = scale(column(rows, "val_accuracy"), 100);
        double[] rmse = column(rows, "val_rmse");
        if (any(trainAcc) || any(valAcc)) {
            charts.add(new Chart("Accuracy", "epoch", "accuracy %", List.of(
                    new Chart.Series("train", COLORS[0], epoch, trainAcc),
                    new Chart.Series("validation", COLORS[1], epoch, valAcc)), false, w, h));
        } else if (any(rmse)) {
            charts.add(new Chart("Validation RMSE", "epoch", "RMSE", List.of(
                    new Chart.Series("validation", COLORS[1], epoch, rmse)), false, w, h));
        }
        int groups = 0;
        for (Map<String, Object> r : rows) if (r.get("lr") instanceof List<?> l) groups = Math.max(groups, l.size());
        List<Chart.Series> lrs = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (int g = 0; g < groups; g++) {
            double[] y = new double[rows.size()];
            for (int i = 0; i < y.length; i++) {
                y[i] = rows.get(i).get("lr") instanceof List<?> l && g < l.size() && l.get(g) instanceof Number n ? n.doubleValue() : Double.NaN;
                if (y[i] > 0) {
                    lo = Math.min(lo, y[i]);
                    hi = Math.max(hi, y[i]);
                }
            }
            lrs.add(new Chart.Series(groups == 1 ? "lr" : "group " + g, COLORS[(2 + g) % COLORS.length], epoch, y));
        }
        if (!lrs.isEmpty()) {
            charts.add(new Chart("Learning rate", "epoch", "lr", lrs, hi / lo > 20, w, h));
        }
        return charts;
    }

    static String html(String dir, Map<String, Object> model, List<Map<String, Object>> rows, List<Chart> charts) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>sparktrain report: ")
                .append(Svg.esc(dir)).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}")
                .append("h1{font-size:20px;margin:0 0 4px}p.sub{color:#666;margin:0 0 16px}")
                .append("table{border-collapse:collapse;font-size:12px;margin:8px 0 20px}")
                .append("td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f5f5f5}")
                .append("table.summary td{text-align:left}td.k{color:#555}.charts{display:flex;flex-wrap:wrap;gap:12px}")
                .append(".charts svg{border:1px solid #eee}\n</style>\n</head>\n<body>\n");
        b.append("<h1>sparktrain report</h1>\n<p class=\"sub\">").append(Svg.esc(dir)).append("</p>\n");
        b.append("<table class=\"summary\">\n");
        for (Map.Entry<String, String> e : summary(model, rows).entrySet()) {
            b.append("<tr><td class=\"k\">").append(Svg.esc(e.getKey())).append("</td><td>").append(Svg.esc(e.getValue()))
                    .append("</td></tr>\n");
        }
        b.append("</table>\n<div class=\"charts\">\n");
        for (Chart c : charts) b.append(Svg.render(c));
        b.append("</div>\n<h2 style=\"font-size:16px\">Epochs</h2>\n<table class=\"epochs\">\n<tr>");
        List<String> cols = new ArrayList<>(List.of("epoch", "step", "train_loss", "train_accuracy", "val_loss",
                "val_accuracy", "val_rmse", "lr", "grad_norm", "seconds", "rows_per_second"));
        cols.removeIf(c -> rows.stream().allMatch(r -> r.get(c) == null));
        for (String c : cols) b.append("<th>").append(c).append("</th>");
        b.append("</tr>\n");
        for (Map<String, Object> r : rows) {
            b.append("<tr>");
            for (String c : cols) b.append("<td>").append(Svg.esc(c.equals("lr") ? lrCell(r.get(c)) : cell(r.get(c)))).append("</td>");
            b.append("</tr>\n");
        }
        b.append("</table>\n</body>\n</html>\n");
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> summary(Map<String, Object> model, List<Map<String, Object>> rows) {
        Map<String, String> s = new LinkedHashMap<>();
        Map<String, Object> job = model != null && model.get("job") instanceof Map<?, ?> j ? (Map<String, Object>) j : Map.of();
        if (model != null) s.put("model", model.get("model") + " (" + model.get("param_count") + " parameters)");
        if (model != null) s.put("loss", String.valueOf(model.get("loss")));
        if (job.containsKey("optimizer")) s.put("optimizer", String.valueOf(job.get("optimizer")));
        if (job.containsKey("scheduler")) s.put("scheduler", String.valueOf(job.get("scheduler")));
        if (job.containsKey("data.path")) s.put("data", String.valueOf(job.get("data.path")));
        Map<String, Object> last = rows.get(rows.size() - 1);
        s.put("epochs", last.get("epoch") + " (" + last.get("step") + " steps)");
        for (String k : List.of("train_loss", "val_loss", "val_accuracy", "val_rmse")) {
            if (last.get(k) != null) s.put("final " + k, cell(last.get(k)));
        }
        Map<String, Object> best = null;
        for (Map<String, Object> r : rows) {
            if (r.get("val_loss") instanceof Number v && (best == null || v.doubleValue() < ((Number) best.get("val_loss")).doubleValue())) best = r;
        }
        if (best != null) s.put("best val_loss", cell(best.get("val_loss")) + " at epoch " + best.get("epoch"));
        if (model != null && model.get("early_stopping") instanceof Map<?, ?> es) {
            s.put("early stopping", es.get("monitor") + (Boolean.TRUE.equals(es.get("stopped")) ? ": stopped" : ": not triggered")
                    + ", best at epoch " + es.get("best_epoch") + ", saved weights of epoch " + es.get("weights_of_epoch"));
        }
        double secs = 0;
        for (Map<String, Object> r : rows) if (r.get("seconds") instanceof Number n) secs += n.doubleValue();
        s.put("training time", String.format(Locale.ROOT, "%.1f s", secs));
        return s;
    }

    private static String lrCell(Object v) {
        if (!(v instanceof List<?> l)) return cell(v);
        List<String> parts = new ArrayList<>();
        for (Object o : l) parts.add(o instanceof Number n ? String.format(Locale.ROOT, "%.4g", n.doubleValue()) : String.valueOf(o));
        return String.join(" ", parts);
    }

    private static String cell(Object v) {
        if (v == null) return "";
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            for (Object o : l) parts.add(cell(o));
            return String.join(" ", parts);
        }
        if (v instanceof Double d) {
            double a = Math.abs(d);
            return a != 0 && (a < 1e-3 || a >= 1e6) ? String.format(Locale.ROOT, "%.3e", d) : String.format(Locale.ROOT, "%.4f", d);
        }
        return String.valueOf(v);
    }

    /** metrics.jsonl's epoch rows, or model.json's history. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> epochRows(String dir, Configuration conf, Map<String, Object> model) {
        List<Map<String, Object>> rows = MetricsLog.read(dir, conf).stream().filter(r -> "epoch".equals(r.get("kind"))).toList();
        if (!rows.isEmpty() || model == null || !(model.get("history") instanceof List<?> h)) return rows;
        return h.stream().filter(r -> r instanceof Map<?, ?>).map(r -> (Map<String, Object>) r).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readModelJson(String dir, Configuration conf) {
        try {
            Path p = new Path(dir, "model.json");
            FileSystem fs = ModelIO.fileSystem(p, conf);
            if (!fs.exists(p)) return null;
            try (FSDataInputStream in = fs.open(p)) {
                return JSON.readValue(in.readAllBytes(), Map.class);
            }
        } catch (IOException e) {
            // Jackson's messages add the source location on further lines: keep the first
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new SparkTrainException(dir + "/model.json: cannot read: "
                    + String.valueOf(why).strip().lines().findFirst().orElse(""), e);
        }
    }

    private static double[] column(List<Map<String, Object>> rows, String key) {
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) v[i] = rows.get(i).get(key) instanceof Number n ? n.doubleValue() : Double.NaN;
        return v;
    }

    private static double[] scale(double[] v, double f) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) o[i] = v[i] * f;
        return o;
    }

    private static boolean any(double[] v) {
        for (double x : v) if (Double.isFinite(x)) return true;
        return false;
    }
}
