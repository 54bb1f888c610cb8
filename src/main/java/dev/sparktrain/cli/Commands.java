package dev.sparktrain.cli;

import dev.sparktrain.spark.load.DataLoader;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.spark.load.LoadedData;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.Standardizer;
import dev.sparktrain.spark.eval.Evaluation;
import dev.sparktrain.spark.eval.Evaluator;
import dev.sparktrain.spark.eval.Predictor;
import dev.sparktrain.store.SavedModel;
import dev.sparktrain.store.ModelExport;
import dev.sparktrain.store.ModelIO;
import dev.sparktrain.store.Safetensors;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What evaluate, predict and export do (their command line: {@link Subcommands}):
 * <pre>
 * evaluate &lt;model dir&gt; [--split all|train|validation] [--json file] [data.key=value ...]
 * predict  &lt;model dir&gt; &lt;output path&gt; [--format parquet|csv] [--split all|train|validation] [data.key=value ...]
 * export   &lt;model dir&gt; &lt;output file&gt; [--format safetensors|onnx] [--dtype float64|float32] [--probabilities]
 * </pre>
 * evaluate and predict read data the way the model's training job did (its {@code data.*} keys,
 * overridable), apply the standardization saved with the model, and with {@code --split
 * validation} / {@code train} select the training run's validation / training rows (same seed,
 * same fraction); {@code all} (the default) uses every row.
 */
final class Commands {
    private Commands() {
    }

    /** {@code evaluate}: the saved model in {@code dir} (a bad one fails before Spark starts) on its data. */
    static void evaluate(String dir, String split, String json, List<String> overrides, PrintStream out) {
        SavedModel m = SavedModel.load(dir, Main.hadoopConf());
        JavaSparkContext jsc = Main.startSpark();
        try {
            evaluate(jsc, m, split, json, overrides, out);
        } finally {
            jsc.stop();
        }
    }

    /** {@code predict}: the saved model in {@code dir} (a bad one fails before Spark starts) on its data, into {@code path}. */
    static void predict(String dir, String path, String format, String split, List<String> overrides, PrintStream out) {
        SavedModel m = SavedModel.load(dir, Main.hadoopConf());
        JavaSparkContext jsc = Main.startSpark();
        try {
            predict(jsc, m, path, format, split, overrides, out);
        } finally {
            jsc.stop();
        }
    }

    /** Evaluates {@code m} on its data (see the class comment), prints the figures, optionally writes them as JSON. */
    static Evaluation evaluate(JavaSparkContext jsc, SavedModel m, String split, String json, List<String> overrides,
                               PrintStream out) {
        Loaded d = load(jsc, m, split, overrides);
        try {
            out.printf(Locale.ROOT, "evaluate: %s on %s, %s rows (%d)%n", m.dir(), d.path, split, d.rows);
            Evaluation e = Evaluator.evaluate(jsc, d.blocks, m);
            e.print(out);
            if (json != null) {
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("model", m.dir());
                j.put("data", d.path);
                j.put("split", split);
                j.putAll(e.toJson());
                try {
                    Path p = new Path(json);
                    ModelIO.writeAtomically(ModelIO.fileSystem(p, jsc.hadoopConfiguration()), p,
                            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(j));
                } catch (IOException ex) {
                    throw new SparkTrainException("evaluate: cannot write " + json + ": " + ex.getMessage(), ex);
                }
                out.println("evaluate: figures written to " + json);
            }
            return e;
        } finally {
            d.release();
        }
    }

    /** Writes {@code m}'s predictions for its data (see the class comment) to {@code path}. */
    static long predict(JavaSparkContext jsc, SavedModel m, String path, String format, String split,
                        List<String> overrides, PrintStream out) {
        Loaded d = load(jsc, m, split, overrides);
        try {
            long n = Predictor.predict(jsc, d.blocks, m, path, format);
            out.printf(Locale.ROOT, "predict: %d predictions of %s for %s (%s rows) written to %s (%s)%n", n, m.dir(),
                    d.path, split, path, format);
            return n;
        } finally {
            d.release();
        }
    }

    /** {@code export}: the saved model in {@code dir} written as safetensors or ONNX to {@code path} (no Spark). */
    static void export(String dir, String path, String format, String dtype, boolean probabilities, PrintStream out) {
        ModelExport.Format f = ModelExport.format(format, path);
        Safetensors.Dtype d = Safetensors.Dtype.of(dtype, "--dtype");
        SavedModel m = SavedModel.load(dir, Main.hadoopConf());
        out.println(ModelExport.write(m, path, f, d, probabilities, Main.hadoopConf()));
    }

    static String formatOf(String path) {
        return path.toLowerCase(Locale.ROOT).matches(".*\\.csv/?$") ? "csv" : "parquet";
    }

    private record Loaded(String path, JavaRDD<PackedBlock> blocks, long rows, LoadedData all) {
        void release() {
            all.train().unpersist(false);
            if (all.validation() != null) all.validation().unpersist(false);
        }
    }

    /** The rows of {@code split}, read as the model's job read its data, scaled with the saved standardization. */
    static Loaded load(JavaSparkContext jsc, SavedModel m, String split, List<String> overrides) {
        if (!List.of("all", "train", "validation").contains(split)) {
            throw new SparkTrainException("--split: expected all, train or validation, got '" + split + "'");
        }
        if (m.job().isEmpty()) throw new SparkTrainException(m.dir() + "/model.json has no job: cannot tell how to read data");
        Map<String, String> job = new LinkedHashMap<>(m.job());
        job.keySet().removeIf(k -> k.startsWith("early_stopping.") || k.equals("resume"));
        JobFile jf = JobFile.of(job, m.dir() + "/model.json job");
        for (String o : overrides) {
            if (!o.startsWith("data.")) throw new SparkTrainException("argument '" + o + "': only data.* keys can be given here");
            jf.override(o);
        }
        jf.override("data.standardize=false"); // the model's own standardization is applied below
        // Class names mapped as in training (data.labels = auto would map the rows at hand).
        if (m.labels() != null) jf.override("data.labels=" + String.join(", ", m.labels()));
        if (split.equals("all")) jf.override("data.validation_fraction=0");
        JobConfig cfg = new JobConfig(jf);
        if (split.equals("validation") && cfg.data.validationFraction() <= 0 && cfg.data.validationPath() == null) {
            throw new SparkTrainException("--split validation: the model's job held out no validation rows (data.validation_fraction = 0)");
        }
        if (cfg.data.features() != m.model().inFeatures()) {
            throw new SparkTrainException("data.features is " + cfg.data.features() + " but the model takes " + m.model().inFeatures());
        }
        LoadedData d = DataLoader.load(jsc, cfg.data);
        JavaRDD<PackedBlock> blocks = split.equals("validation") ? d.validation() : d.train();
        long rows = split.equals("validation") ? d.validationRows() : d.trainRows();
        Standardizer st = m.standardizer();
        if (st != null) {
            blocks = blocks.map(b -> b.scaled(st));   // dense: (x - mean)/std; CSR: x/std (mean saved as 0)
        }
        return new Loaded(cfg.data.path(), blocks, rows, d);
    }
}
