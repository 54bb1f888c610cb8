package dev.sparktrain.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one run: each printed as one human line and one machine line
 * {@code FIGURE <name> <value> <unit>}, and kept so ratios can be formed from the same run.
 */
final class Figures {
    private final PrintStream out;
    private final Map<String, Double> values = new LinkedHashMap<>();

    Figures(PrintStream out) {
        this.out = out;
    }

    /** Records and prints one figure; {@code human} is the readable line (without the value). */
    double put(String name, double value, String unit, String human) {
        values.put(name, value);
        out.printf(Locale.ROOT, "  %-62s %12s %s%n", human, fmt(value), unit);
        out.printf(Locale.ROOT, "FIGURE %s %s %s%n", name, fmt(value), unit);
        out.flush();
        return value;
    }

    /** A ratio of two recorded figures (NaN when either is missing), with its target verdict. */
    double ratio(String name, String num, String den, String target, double limit, boolean atMost, String human) {
        double r = get(num) / get(den);
        String verdict = Double.isNaN(r) ? "not measured" : Double.isInfinite(limit) ? "-"
                : (atMost ? r <= limit : r >= limit) ? "MET" : "NOT MET";
        values.put(name, r);
        out.printf(Locale.ROOT, "  %-62s %12s x   target %s: %s%n", human, fmt(r), target, verdict);
        out.printf(Locale.ROOT, "FIGURE %s %s x%n", name, fmt(r));
        out.flush();
        return r;
    }

    double get(String name) {
        Double v = values.get(name);
        return v == null ? Double.NaN : v;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /** Loads {@code FIGURE name value unit} lines written by another program (the PyTorch script). */
    int load(Path file) throws IOException {
        int n = 0;
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals("FIGURE")) {
                values.put(f[1], Double.parseDouble(f[2]));
                n++;
            }
        }
        return n;
    }

    private final CpuMeter meter = new CpuMeter();
    private String open;
    private long openedAt;

    /** Closes the open section (printing how busy other processes kept the CPUs), opens one. */
    void section(String key, String title) {
        endSection();
        open = key;
        openedAt = System.nanoTime();
        meter.start();
        out.println();
        out.println("== " + title);
        out.flush();
    }

    void endSection() {
        if (open == null) return;
        double share = meter.foreignShare();
        out.printf(Locale.ROOT, "  (section took %.0f s; other processes used %.0f%% of the CPUs meanwhile)%n",
                (System.nanoTime() - openedAt) / 1e9, 100 * share);
        out.printf(Locale.ROOT, "FIGURE noise_%s_pct %s %%%n", open, fmt(100 * share));
        open = null;
    }

    void note(String text) {
        out.println("  " + text);
        out.flush();
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return String.format(Locale.ROOT, "%d", (long) v);
        double a = Math.abs(v);
        if (a >= 100) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 1) return String.format(Locale.ROOT, "%.3f", v);
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
