package dev.sparktrain.bench;

import dev.sparktrain.config.Options;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Layer;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Pass;
import dev.sparktrain.nn.Precision;
import dev.sparktrain.nn.Sequential;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the kernel's time goes, float64 against float32, on one thread with no Spark (no JMH:
 * nanoTime around each operation of the chunk loop, summed over every chunk of every repetition).
 * First the whole {@link BatchKernel} per row, then the same chunk loop taken apart: each layer's
 * forward and backward, the loss, and in float32 the conversions {@code nn/Kernel32} adds
 * (weights to float, outputs and the loss gradient across, the chunk gradient widened into the sums).
 * <pre>
 *   java -cp target/sparktrain.jar:target/sparktrain-tools.jar:$(cat target/classpath.txt) \
 *     dev.sparktrain.bench.KernelProfile [rows=50000] [reps=30] [model=mlp|logreg|"spec"]
 * </pre>
 */
public final class KernelProfile {
    private static final int CHUNK = BatchKernel.CHUNK;

    private KernelProfile() {
    }

    public static void main(String[] args) {
        Map<String, String> a = new LinkedHashMap<>(Map.of("rows", "50000", "reps", "30", "model", "both"));
        for (String s : args) a.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
        int rows = Integer.parseInt(a.get("rows"));
        int reps = Integer.parseInt(a.get("reps"));
        List<String> models = a.get("model").equals("both") ? List.of("logreg", "mlp") : List.of(a.get("model"));
        System.out.println("KernelProfile: " + rows + " contiguous rows x 100 features, " + reps + " reps, BLAS "
                + dev.ludovic.netlib.blas.BLAS.getInstance().getClass().getSimpleName());
        for (String m : models) {
            BenchModel bm = m.equals("logreg") ? BenchModel.logreg(100) : m.equals("mlp") ? BenchModel.mlp(100)
                    : BenchModel.big(m);
            profile(bm, rows, reps);
        }
    }

    private static void profile(BenchModel m, int rows, int reps) {
        Sequential net = m.net();
        int d = net.inFeatures();
        double[] x = new double[rows * d];
        double[] y = new double[rows];
        SyntheticData.fill(42, d, 0, rows, x, y);
        float[] x32 = new float[x.length];
        for (int i = 0; i < x.length; i++) x32[i] = (float) x[i];
        double[] params = net.initParams(42);
        System.out.println();
        System.out.println("== " + m.text());
        // the two precisions alternated repetition by repetition, so a busy spell falls on both
        BatchKernel[] k = {new BatchKernel(net, m.loss()), new BatchKernel(net.withPrecision(Precision.FLOAT32), m.loss())};
        double[] sums = new double[k[0].sumsLength()];
        double[][] us = new double[2][reps];
        for (int r = -10; r < reps; r++) {
            for (int p = 0; p < 2; p++) {
                long t0 = System.nanoTime();
                if (p == 1) k[p].accumulate(params, x32, y, null, 0, rows, sums, Pass.EVAL);
                else k[p].accumulate(params, x, y, null, 0, rows, sums, Pass.EVAL);
                if (r >= 0) us[p][r] = (System.nanoTime() - t0) / 1e3 / rows;
            }
        }
        double[] whole = {Stats.median(us[0]), Stats.median(us[1])};
        for (Precision p : Precision.values()) {
            System.out.printf(Locale.ROOT, "  BatchKernel.accumulate %s: %.4f us/row (median of %d; fastest %.4f)%n", p.key(),
                    whole[p.ordinal()], reps, Arrays.stream(us[p.ordinal()]).min().orElse(Double.NaN));
        }
        System.out.printf(Locale.ROOT, "  float32 / float64: %.3f%n", whole[1] / whole[0]);
        Laps t64 = new Laps();
        Laps t32 = new Laps();
        for (int r = -10; r < reps; r++) {
            t64.keep = r >= 0;
            t32.keep = r >= 0;
            chunks64(net, m.loss(), params, x, y, rows, t64);
            chunks32(net, m.loss().forFloat32(), params, x32, y, rows, t32);
        }
        t64.report("float64", rows);
        t32.report("float32", rows);
    }

    /**
     * Each operation's duration in every chunk; reported as the median chunk times the chunks of one
     * pass, per row, so a chunk during which a busy machine took the core away does not count.
     */
    private static final class Laps {
        final Map<String, List<Long>> ns = new LinkedHashMap<>();
        boolean keep;

        /** Records the nanoseconds since {@code t0} under {@code name}; returns now. */
        long lap(String name, long t0) {
            long now = System.nanoTime();
            if (keep) ns.computeIfAbsent(name, k -> new java.util.ArrayList<>()).add(now - t0);
            return now;
        }

        void report(String what, int rows) {
            Map<String, Double> us = new LinkedHashMap<>();
            double total = 0;
            for (Map.Entry<String, List<Long>> e : ns.entrySet()) {
                double med = Stats.median(e.getValue().stream().mapToDouble(Long::doubleValue).toArray());
                // once-per-call steps have one sample per pass; per-chunk ones one per chunk
                double perPass = e.getKey().contains("once") ? med : med * ((rows + CHUNK - 1) / CHUNK);
                us.put(e.getKey(), perPass / 1e3 / rows);
                total += perPass / 1e3 / rows;
            }
            System.out.printf(Locale.ROOT, "  %s chunk loop taken apart (median chunk): %.4f us/row in all%n", what, total);
            for (Map.Entry<String, Double> e : us.entrySet()) {
                System.out.printf(Locale.ROOT, "    %-48s %8.4f us/row %5.1f%%%n", e.getKey(), e.getValue(),
                        100 * e.getValue() / total);
            }
        }
    }

    // the conversions as small methods of their own, as in Kernel32 (compiled on their own, not
    // as part of the profiler's long loop)
    private static void widen(float[] a, double[] b, int len) {
        for (int i = 0; i < len; i++) b[i] = a[i];
    }

    private static void narrow(double[] a, float[] b, int len) {
        for (int i = 0; i < len; i++) b[i] = (float) a[i];
    }

    private static void addInto(float[] a, double[] b, int len) {
        for (int i = 0; i < len; i++) b[i] += a[i];
    }

    private static String[] names(List<Layer> layers, String what) {
        String[] s = new String[layers.size()];
        for (int i = 0; i < s.length; i++) s[i] = what + i + " " + layers.get(i).spec();
        return s;
    }

    /** BatchKernel's float64 chunk loop (forward, loss, backward into the sums). */
    private static void chunks64(Sequential net, Loss loss, double[] params, double[] x, double[] y, int rows,
                                 Laps t) {
        List<Layer> layers = net.layers();
        int n = layers.size();
        double[][] act = new double[n][];
        double[][] delta = new double[n][];
        for (int i = 0; i < n; i++) {
            act[i] = new double[CHUNK * layers.get(i).outFeatures()];
            delta[i] = new double[CHUNK * layers.get(i).outFeatures()];
        }
        double[] sums = new double[net.paramCount()];
        String[] fwd = names(layers, "forward ");
        String[] bwd = names(layers, "backward ");
        int c = net.outFeatures();
        int d = net.inFeatures();
        for (int start = 0; start < rows; start += CHUNK) {
            int m = Math.min(CHUNK, rows - start);
            long t0 = System.nanoTime();
            double[] in = x;
            int inOff = start * d;
            for (int i = 0; i < n; i++) {
                layers.get(i).forward(params, net.offset(i), in, inOff, m, act[i], Pass.EVAL);
                in = act[i];
                inOff = 0;
                t0 = t.lap(fwd[i], t0);
            }
            loss.sumAndGradient(act[n - 1], m, c, y, start, delta[n - 1]);
            t0 = t.lap("loss", t0);
            for (int i = n - 1; i >= 0; i--) {
                layers.get(i).backward(params, net.offset(i), i == 0 ? x : act[i - 1], i == 0 ? start * d : 0, act[i],
                        delta[i], m, sums, i == 0 ? null : delta[i - 1], Pass.EVAL);
                t0 = t.lap(bwd[i], t0);
            }
        }
    }

    /** Kernel32's chunk loop, step by step, as BatchKernel runs it for a float32 model over float32 rows (with the loss's float32 form). */
    private static void chunks32(Sequential net, Loss loss, double[] master, float[] x, double[] y, int rows,
                                 Laps t) {
        List<Layer> layers = net.layers();
        int n = layers.size();
        float[][] act = new float[n][];
        float[][] delta = new float[n][];
        for (int i = 0; i < n; i++) {
            act[i] = new float[CHUNK * layers.get(i).outFeatures()];
            delta[i] = new float[CHUNK * layers.get(i).outFeatures()];
        }
        int p = net.paramCount();
        double[] sums = new double[p];
        String[] fwd = names(layers, "forward32 ");
        String[] bwd = names(layers, "backward32 ");
        float[] grad = new float[p];
        float[] params = new float[p];
        int c = net.outFeatures();
        int d = net.inFeatures();
        double[] out = new double[CHUNK * c];
        double[] dOut = new double[CHUNK * c];
        long t0 = System.nanoTime();
        narrow(master, params, p);
        t0 = t.lap("weights to float (once per call)", t0);
        for (int start = 0; start < rows; start += CHUNK) {
            int m = Math.min(CHUNK, rows - start);
            float[] in = x;
            int inOff = start * d;
            for (int i = 0; i < n; i++) {
                layers.get(i).forward32(params, net.offset(i), in, inOff, m, act[i], Pass.EVAL);
                in = act[i];
                inOff = 0;
                t0 = t.lap(fwd[i], t0);
            }
            widen(act[n - 1], out, m * c);
            t0 = t.lap("outputs widened", t0);
            loss.sumAndGradient(out, m, c, y, start, dOut);
            t0 = t.lap("loss (float64)", t0);
            narrow(dOut, delta[n - 1], m * c);
            Arrays.fill(grad, 0f);
            t0 = t.lap("loss gradient narrowed, chunk gradient zeroed", t0);
            for (int i = n - 1; i >= 0; i--) {
                layers.get(i).backward32(params, net.offset(i), i == 0 ? x : act[i - 1], i == 0 ? start * d : 0, act[i],
                        delta[i], m, grad, i == 0 ? null : delta[i - 1], Pass.EVAL);
                t0 = t.lap(bwd[i], t0);
            }
            addInto(grad, sums, p);
            t0 = t.lap("chunk gradient widened into the sums", t0);
        }
    }
}
