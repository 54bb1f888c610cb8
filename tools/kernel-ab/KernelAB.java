import dev.sparktrain.config.Options;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.train.BlockWorker;
import java.util.Arrays;
import java.util.Random;

/**
 * The training hot path alone, for A/B runs of two builds (scripts/kernel-ab.sh): one thread,
 * BlockWorker.accumulate over 50k dense rows in 10k-row batches, contiguous and shuffled,
 * microseconds per row as the median of REPS passes after 5 warm-up passes. It uses only API
 * that old builds have too, so it compiles against either jar.
 */
public class KernelAB {
    public static void main(String[] a) {
        String spec = a[0];
        int d = 100, n = 50_000, reps = Integer.parseInt(a[1]);
        Random r = new Random(1);
        double[] x = new double[n * d];
        double[] y = new double[n];
        for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
        for (int i = 0; i < n; i++) y[i] = r.nextInt(2);
        Sequential m = Sequential.parse(spec, "ab");
        Loss loss = Losses.create(m.outFeatures() == 1 ? "BCEWithLogitsLoss" : "CrossEntropyLoss", Options.empty("l"), m.outFeatures());
        PackedBlock b = PackedBlock.dense(0, n, d, 1, x, y);
        double[] p = m.initParams(1);
        BlockWorker w = new BlockWorker(m, loss);
        double[] sums = new double[w.sumsLength()];
        for (boolean shuffle : new boolean[] {false, true}) {
            EpochOrder o = new EpochOrder(n, shuffle, 7, 0);
            double[] t = new double[reps];
            for (int k = 0; k < reps + 5; k++) {
                Arrays.fill(sums, 0);
                long t0 = System.nanoTime();
                for (long from = 0; from < n; from += 10_000) w.accumulate(b, o, 0, from, Math.min(n, from + 10_000), p, sums);
                long t1 = System.nanoTime();
                if (k >= 5) t[k - 5] = (t1 - t0) / 1e3 / n;
            }
            Arrays.sort(t);
            System.out.printf(java.util.Locale.ROOT, "%s %s us_per_row median %.4f min %.4f%n", spec.replace(" ", ""), shuffle ? "shuf" : "contig", t[reps / 2], t[0]);
        }
    }
}
