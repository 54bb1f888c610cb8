package dev.sparktrain.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A line chart over epochs and its layout: the plot rectangle inside a {@code width × height}
 * frame, "nice" ticks (1-2-5 steps, or decades on a log axis) and the data-to-pixel mapping. The
 * SVG and PNG renderers draw the same layout, so both pictures agree.
 */
public final class Chart {
    /** One line; NaN values are gaps. */
    public record Series(String name, String color, double[] x, double[] y) {
    }

    static final int LEFT = 64;
    static final int RIGHT = 16;
    static final int TOP = 34;
    static final int BOTTOM = 44;

    final String title;
    final String xLabel;
    final String yLabel;
    final List<Series> series;
    final boolean logY;
    final int width;
    final int height;
    final double x0;
    final double x1;
    final double y0;
    final double y1;
    final double[] xTicks;
    final double[] yTicks;

    public Chart(String title, String xLabel, String yLabel, List<Series> series, boolean logY, int width, int height) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.series = List.copyOf(series);
        this.width = width;
        this.height = height;
        double xmin = Double.POSITIVE_INFINITY, xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY, ymax = Double.NEGATIVE_INFINITY;
        boolean positive = true;
        for (Series s : series) {
            for (int i = 0; i < s.x().length; i++) {
                double y = s.y()[i];
                if (!Double.isFinite(y)) continue;
                xmin = Math.min(xmin, s.x()[i]);
                xmax = Math.max(xmax, s.x()[i]);
                ymin = Math.min(ymin, y);
                ymax = Math.max(ymax, y);
                if (y <= 0) positive = false;
            }
        }
        if (xmin > xmax) {
            xmin = 0;
            xmax = 1;
            ymin = 0;
            ymax = 1;
        }
        this.logY = logY && positive && ymin > 0;
        if (xmax - xmin < 1) {
            xmin = Math.floor(xmin) - (xmax == xmin ? 0 : 0);
            xmax = xmin + 1;
        }
        this.x0 = xmin;
        this.x1 = xmax;
        this.xTicks = ticks(xmin, xmax, 8, true);
        if (this.logY) {
            double lo = Math.floor(Math.log10(ymin));
            double hi = Math.ceil(Math.log10(ymax));
            if (hi == lo) hi = lo + 1;
            this.y0 = Math.pow(10, lo);
            this.y1 = Math.pow(10, hi);
            List<Double> t = new ArrayList<>();
            for (double e = lo; e <= hi + 1e-9; e++) t.add(Math.pow(10, e));
            this.yTicks = t.stream().mapToDouble(Double::doubleValue).toArray();
        } else {
            if (ymax == ymin) {
                double pad = ymax == 0 ? 1 : Math.abs(ymax) * 0.1;
                ymin -= pad;
                ymax += pad;
            }
            double[] t = ticks(ymin, ymax, 6, false);
            this.y0 = Math.min(ymin, t[0]);
            this.y1 = Math.max(ymax, t[t.length - 1]);
            this.yTicks = t;
        }
    }

    /** Ticks from the first multiple of a 1-2-5 step at or below lo to the first at or above hi. */
    static double[] ticks(double lo, double hi, int target, boolean integers) {
        double step = nice((hi - lo) / Math.max(1, target - 1));
        if (integers) step = Math.max(1, Math.round(step));
        double start = Math.floor(lo / step) * step;
        double end = Math.ceil(hi / step) * step;
        List<Double> t = new ArrayList<>();
        for (double v = start; v <= end + step * 1e-9; v += step) t.add(Math.abs(v) < step * 1e-9 ? 0.0 : v);
        if (integers) t.removeIf(v -> v < lo - 1e-9 || v > hi + 1e-9);
        if (t.isEmpty()) t.add(lo);
        return t.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double nice(double raw) {
        if (!(raw > 0)) return 1;
        double exp = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / exp;
        double n = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return n * exp;
    }

    double plotLeft() {
        return LEFT;
    }

    double plotTop() {
        return TOP;
    }

    double plotWidth() {
        return width - LEFT - RIGHT;
    }

    double plotHeight() {
        return height - TOP - BOTTOM;
    }

    double px(double x) {
        return LEFT + (x - x0) / (x1 - x0) * plotWidth();
    }

    double py(double y) {
        double f = logY ? (Math.log10(y) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0)) : (y - y0) / (y1 - y0);
        return TOP + (1 - f) * plotHeight();
    }

    /** The y tick labels: as many decimals as the tick step needs (decades as 1e-3 on a log axis). */
    String[] yLabels() {
        return labels(yTicks, logY);
    }

    String[] xLabels() {
        return labels(xTicks, false);
    }

    static String[] labels(double[] ticks, boolean log) {
        String[] out = new String[ticks.length];
        double step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : Math.abs(ticks[0]);
        int decimals = step > 0 ? Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9)) : 0;
        for (int i = 0; i < ticks.length; i++) {
            double v = ticks[i];
            double a = Math.abs(v);
            if (log) {
                long e = Math.round(Math.log10(v));
                out[i] = e >= 0 && e <= 5 ? String.valueOf(Math.round(v)) : e < 0 && e >= -3
                        ? String.format(Locale.ROOT, "%." + (-e) + "f", v) : "1e" + e;
            } else if (a != 0 && (a >= 1e6 || decimals > 6)) {
                out[i] = String.format(Locale.ROOT, "%.3e", v);
            } else {
                out[i] = String.format(Locale.ROOT, "%." + decimals + "f", v);
            }
        }
        return out;
    }

    /** Legend entries sit in the title band, right-aligned; x of entry i (same estimate in both renderers). */
    double[] legendX() {
        double[] x = new double[series.size()];
        double right = width - RIGHT;
        for (int i = series.size() - 1; i >= 0; i--) {
            right -= 24 + 7 * series.get(i).name().length() + 10;
            x[i] = right;
        }
        return x;
    }

    /** The runs of consecutive finite points of a series, as pixel coordinates {x0,y0,x1,y1,...}. */
    List<double[]> segments(Series s) {
        List<double[]> out = new ArrayList<>();
        List<Double> cur = new ArrayList<>();
        for (int i = 0; i <= s.x().length; i++) {
            boolean ok = i < s.x().length && Double.isFinite(s.y()[i]) && (!logY || s.y()[i] > 0);
            if (ok) {
                cur.add(px(s.x()[i]));
                cur.add(py(s.y()[i]));
            } else if (!cur.isEmpty()) {
                out.add(cur.stream().mapToDouble(Double::doubleValue).toArray());
                cur.clear();
            }
        }
        return out;
    }
}
