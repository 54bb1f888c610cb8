package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.data.Synthetic;
import dev.sparktrain.spark.load.SyntheticWriter;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code generate key=value ...}: writes a deterministic synthetic data set (see
 * {@link Synthetic}) with Spark, each partition making its own rows.
 * <pre>
 * ./submit.sh generate rows=10000000 features=100 classes=2 format=parquet output=/tmp/x
 * </pre>
 */
public final class GenerateCommand {
    static final List<String> KEYS = List.of("rows", "features", "classes", "density", "noise", "partitions", "seed",
            "format", "layout", "output", "overwrite");

    final Synthetic spec;
    final int partitions;
    final String format;
    final String layout;
    final String output;
    final boolean overwrite;

    GenerateCommand(String[] args, int defaultPartitions) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) throw new SparkTrainException("generate: argument '" + a + "': expected key=value; keys: " + String.join(", ", KEYS));
            m.put(a.substring(0, eq).strip(), a.substring(eq + 1).strip());
        }
        Options o = new Options("generate", m);
        o.requireOnly(KEYS);
        long rows = o.getLong("rows", -1);
        if (!o.has("rows")) throw o.error("rows", "required");
        this.spec = new Synthetic(rows, o.getInt("features"), o.getInt("classes", 2), o.getDouble("density", 1.0),
                o.getLong("seed", 1), o.getDouble("noise", 0.1));
        this.partitions = o.getInt("partitions", defaultPartitions);
        this.format = o.getChoice("format", "parquet", SyntheticWriter.FORMATS.toArray(new String[0]));
        this.layout = o.getChoice("layout", "vector", "vector", "columns");
        this.output = o.getString("output");
        this.overwrite = o.getBool("overwrite", false);
    }

    void run(JavaSparkContext jsc, PrintStream out) {
        long t0 = System.nanoTime();
        SyntheticWriter.write(jsc, spec, partitions, format, layout, output, overwrite);
        double secs = (System.nanoTime() - t0) / 1e9;
        out.printf(Locale.ROOT, "generate: wrote %d rows x %d features (%s, density %s) as %s in %d partitions to %s in %.1f s%n",
                spec.rows(), spec.features(), spec.classes() == 0 ? "regression" : spec.classes() + " classes",
                spec.density(), format, partitions, output, secs);
        String keys = "data.path = " + output + ", data.format = " + format + ", data.features = " + spec.features()
                + ", data.classes = " + spec.classes();
        if (format.equals("csv")) keys += ", data.header = true, data.label_column = label";
        out.println("generate: train on it with " + keys);
    }
}
