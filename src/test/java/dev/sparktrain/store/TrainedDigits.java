package dev.sparktrain.store;

import dev.sparktrain.config.Options;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.Standardizer;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.train.LocalBackend;
import dev.sparktrain.train.TrainSettings;
import dev.sparktrain.train.Trainer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The export tests' model: the default job's network trained for two epochs on the UCI digits
 * (standardized) without Spark, so every export starts from real trained weights.
 */
public final class TrainedDigits {
    public static final String SPEC = "linear(64,128), relu, linear(128,10)";
    public final Sequential model = Sequential.parse(SPEC, "test");
    public final Loss loss = Losses.create("CrossEntropyLoss", Options.empty("loss"), 10);
    /** Raw (unscaled) rows, row-major {@code rows × 64}, and their classes. */
    public final double[] x;
    public final double[] y;
    public final int rows;
    public final Standardizer standardizer;
    public final double[] params;

    public TrainedDigits() {
        List<double[]> lines = read(Path.of(System.getProperty("project.basedir", "."), "data", "digits.csv.gz"));
        rows = lines.size();
        x = new double[rows * 64];
        y = new double[rows];
        double[] sum = new double[64];
        double[] sumSq = new double[64];
        for (int r = 0; r < rows; r++) {
            double[] l = lines.get(r);
            System.arraycopy(l, 0, x, r * 64, 64);
            y[r] = l[64];
            for (int j = 0; j < 64; j++) {
                sum[j] += l[j];
                sumSq[j] += l[j] * l[j];
            }
        }
        standardizer = Standardizer.fromMoments(sum, sumSq, rows);
        double[] scaled = scaled(x);
        params = model.initParams(42);
        var adam = Optimizers.create("Adam", new Options("optimizer", Map.of("lr", 3e-3)), GroupSpec.all(model.paramCount()));
        PackedBlock[] blocks = {PackedBlock.dense(0, rows, 64, 1, scaled, y)};
        new Trainer(adam, null, null, new TrainSettings(2, 64, true, 42, null))
                .fit(params, new LocalBackend(model, loss, blocks, null, 64));
    }

    /** A copy of {@code raw} rows scaled as predict scales them. */
    public double[] scaled(double[] raw) {
        double[] s = raw.clone();
        standardizer.apply(s);
        return s;
    }

    private static List<double[]> read(Path file) {
        List<double[]> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split(",");
                double[] v = new double[f.length];
                for (int i = 0; i < f.length; i++) v[i] = Double.parseDouble(f[i]);
                out.add(v);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
