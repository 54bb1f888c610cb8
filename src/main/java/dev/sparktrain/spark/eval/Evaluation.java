package dev.sparktrain.spark.eval;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Figures of a model on a data set. {@code loss} and {@code accuracy} are computed exactly as the
 * training run's validation figures (same kernel, partition sums added in order). Classification:
 * {@code confusion[t][p]} counts rows of true class t predicted as p; precision and recall per
 * class are NaN when undefined (nothing predicted / no rows of that class). Regression: RMSE and
 * MAE over every output. Rows whose label is the loss's ignore_index are in neither {@code rows},
 * the accuracy nor the confusion matrix; {@code loss} is the set's loss as one batch (its total
 * with reduction='sum').
 */
public record Evaluation(long rows, double loss, double accuracy, long[][] confusion, double rmse, double mae) {

    public boolean classification() {
        return confusion != null;
    }

    public long support(int k) {
        long s = 0;
        for (long v : confusion[k]) s += v;
        return s;
    }

    public double precision(int k) {
        long predicted = 0;
        for (long[] row : confusion) predicted += row[k];
        return predicted == 0 ? Double.NaN : confusion[k][k] / (double) predicted;
    }

    public double recall(int k) {
        long s = support(k);
        return s == 0 ? Double.NaN : confusion[k][k] / (double) s;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rows", rows);
        m.put("loss", loss);
        if (classification()) {
            m.put("accuracy", accuracy);
            List<Map<String, Object>> per = new ArrayList<>();
            for (int k = 0; k < confusion.length; k++) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("class", k);
                c.put("precision", Double.isNaN(precision(k)) ? null : precision(k));
                c.put("recall", Double.isNaN(recall(k)) ? null : recall(k));
                c.put("support", support(k));
                per.add(c);
            }
            m.put("per_class", per);
            m.put("confusion_matrix", confusion);
        } else {
            m.put("rmse", rmse);
            m.put("mae", mae);
        }
        return m;
    }

    public void print(PrintStream out) {
        if (!classification()) {
            out.printf(Locale.ROOT, "rows %d  loss %.6f  rmse %.6f  mae %.6f%n", rows, loss, rmse, mae);
            return;
        }
        out.printf(Locale.ROOT, "rows %d  loss %.6f  accuracy %.2f%%%n", rows, loss, 100 * accuracy);
        out.println("class  precision   recall  support");
        for (int k = 0; k < confusion.length; k++) {
            out.printf(Locale.ROOT, "%5d  %9s  %7s  %7d%n", k, pct(precision(k)), pct(recall(k)), support(k));
        }
        out.println("confusion matrix (rows: true class, columns: predicted class)");
        StringBuilder h = new StringBuilder("      ");
        for (int k = 0; k < confusion.length; k++) h.append(String.format(Locale.ROOT, "%6d", k));
        out.println(h);
        for (int t = 0; t < confusion.length; t++) {
            StringBuilder r = new StringBuilder(String.format(Locale.ROOT, "%5d ", t));
            for (long v : confusion[t]) r.append(String.format(Locale.ROOT, "%6d", v));
            out.println(r);
        }
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }
}
