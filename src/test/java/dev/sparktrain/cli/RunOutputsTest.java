package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.spark.eval.Evaluation;
import dev.sparktrain.store.SavedModel;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.SparkTestContext;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a run leaves behind, on the shipped digits job (3 epochs, per-step metrics on): the
 * metrics files, the report (HTML with SVG paths, a PNG that decodes and shows the lines), and a
 * saved model that evaluate and predict score exactly as the run scored its validation rows.
 */
class RunOutputsTest {
    @TempDir
    static Path tmp;
    static Path run;
    static List<EpochStats> history;
    static String output;

    @BeforeAll
    static void trainDigits() {
        run = tmp.resolve("digits");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        history = new TrainJob(Main.parse(new String[] {"conf/digits-mlp.conf", "train.epochs=3", "metrics.per_step=true",
                "output.dir=" + run})).run(SparkTestContext.get(), new PrintStream(out, true, StandardCharsets.UTF_8));
        output = out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void metricsHaveOneLinePerEpochAndStepWithTheirFields() throws IOException {
        List<String> jsonl = Files.readAllLines(run.resolve("metrics.jsonl"));
        List<String> epochs = jsonl.stream().filter(l -> l.startsWith("{\"kind\":\"epoch\"")).toList();
        List<String> steps = jsonl.stream().filter(l -> l.startsWith("{\"kind\":\"step\"")).toList();
        assertEquals(3, epochs.size());
        long stepsPerEpoch = history.get(0).steps();
        assertEquals(3 * stepsPerEpoch, steps.size());
        assertEquals(3 + 3 * stepsPerEpoch, jsonl.size());
        for (String f : List.of("\"epoch\":3", "\"step\":" + 3 * stepsPerEpoch, "\"train_loss\":", "\"train_accuracy\":",
                "\"val_loss\":" + history.get(2).valLoss(), "\"val_accuracy\":" + history.get(2).valAccuracy(), "\"val_rmse\":null",
                "\"lr\":[", "\"grad_norm\":", "\"seconds\":", "\"rows_per_second\":")) {
            assertTrue(epochs.get(2).contains(f), f + " in " + epochs.get(2));
        }
        assertTrue(steps.get(0).matches("\\{\"kind\":\"step\",\"epoch\":1,\"step\":1,\"train_loss\":[0-9.E-]+,\"lr\":\\[0.003],"
                + "\"grad_norm\":[0-9.E-]+,\"seconds\":[0-9.E-]+,\"rows_per_second\":[0-9.E-]+}"), steps.get(0));
        List<String> csv = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals("kind,epoch,step,train_loss,train_accuracy,val_loss,val_accuracy,val_rmse,lr_0,grad_norm,seconds,rows_per_second",
                csv.get(0));
        assertEquals(1 + jsonl.size(), csv.size());
        String[] last = csv.get(csv.size() - 1).split(",", -1);
        assertEquals(12, last.length);
        assertEquals("epoch", last[0]);
        assertEquals(String.valueOf(history.get(2).valLoss()), last[5]);
        assertEquals("", last[7], "no RMSE for a classifier");
        assertTrue(output.contains("checkpoint: " + run.resolve("checkpoints/epoch-000003")), output);
    }

    @Test
    void reportHasSvgChartsAndAPngThatShowsTheLines() throws IOException {
        assertTrue(output.contains("report: " + run.resolve("report.html") + ", " + run.resolve("report.png")), output);
        // the report command rewrites it from the output directory alone
        assertEquals(0, Main.run(new String[] {"report", run.toString()}));
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertEquals(3, count(html, "<svg "), "loss, accuracy and lr charts");
        assertTrue(count(html, "<path class=\"series\" d=\"M") >= 5, "train/val loss, train/val accuracy, lr");
        assertTrue(html.matches("(?s).*<path class=\"series\" d=\"M[0-9.]+ [0-9.]+ L[0-9.]+ [0-9.]+ L[0-9.]+ [0-9.]+\".*"));
        assertTrue(!html.contains("<script") && !html.contains("src=\"http") && !html.contains("href=\"http"), "self-contained");

        BufferedImage img = ImageIO.read(run.resolve("report.png").toFile());
        assertNotNull(img, "the PNG decodes");
        assertTrue(img.getWidth() >= 1000 && img.getHeight() >= 600, img.getWidth() + "x" + img.getHeight());
        int blue = 0, orange = 0, dark = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y) & 0xffffff;
                if (rgb == 0x1f77b4) blue++;
                if (rgb == 0xff7f0e) orange++;
                if (rgb != 0xffffff && ((rgb >> 16) & 0xff) < 0x60) dark++;
            }
        }
        assertTrue(blue > 300 && orange > 300, "train (blue) and validation (orange) lines drawn: " + blue + ", " + orange);
        assertTrue(dark > 500, "text and axes drawn: " + dark);
    }

    @Test
    void evaluateOnTheValidationSplitAgreesWithTheRunsFinalValidationFigures() {
        SavedModel m = SavedModel.load(run.toString(), new Configuration());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Evaluation e = Commands.evaluate(SparkTestContext.get(), m, "validation", run.resolve("eval.json").toString(), List.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8));
        EpochStats last = history.get(2);
        assertEquals(last.valLoss(), e.loss(), 0.0, "same rows, same kernel, same partition order: the same loss to the bit");
        assertEquals(last.valAccuracy(), e.accuracy(), 0.0);
        assertEquals(363, e.rows());
        long diagonal = 0, total = 0;
        for (int k = 0; k < 10; k++) {
            diagonal += e.confusion()[k][k];
            for (int p = 0; p < 10; p++) total += e.confusion()[k][p];
            assertTrue(e.precision(k) > 0.5 && e.recall(k) > 0.5, "class " + k);
        }
        assertEquals(363, total);
        assertEquals(last.valAccuracy(), diagonal / 363.0, 0.0);
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("confusion matrix (rows: true class, columns: predicted class)"), text);
        assertTrue(Files.exists(run.resolve("eval.json")));

        Evaluation all = Commands.evaluate(SparkTestContext.get(), m, "all", null, List.of(), new PrintStream(new ByteArrayOutputStream()));
        assertEquals(1797, all.rows());
        SparkTrainException bad = assertThrows(SparkTrainException.class, () -> Commands.evaluate(SparkTestContext.get(), m,
                "validation", null, List.of("optimizer=SGD"), System.out));
        assertEquals("argument 'optimizer=SGD': only data.* keys can be given here", bad.getMessage());
    }

    @Test
    void predictWritesOneRowPerValidationRowThatReproducesTheValidationFigures() {
        SavedModel m = SavedModel.load(run.toString(), new Configuration());
        SparkSession spark = SparkSession.builder().sparkContext(SparkTestContext.get().sc()).getOrCreate();
        for (String fmt : List.of("parquet", "csv")) {
            String path = tmp.resolve("pred-" + fmt).toString();
            long n = Commands.predict(SparkTestContext.get(), m, path, fmt, "validation", List.of(),
                    new PrintStream(new ByteArrayOutputStream()));
            assertEquals(363, n);
            Dataset<Row> df = fmt.equals("csv") ? spark.read().option("header", "true").option("inferSchema", "true").csv(path)
                    : spark.read().parquet(path);
            List<Row> rows = df.orderBy("row").collectAsList();
            assertEquals(363, rows.size());
            assertEquals(13, df.columns().length, "row, label, prediction, probability_0..9");
            int correct = 0;
            double nll = 0;
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                assertEquals(i, ((Number) r.getAs("row")).longValue(), "rows 0..n-1 of the split, each once");
                int label = (int) ((Number) r.getAs("label")).doubleValue();
                if (((Number) r.getAs("prediction")).intValue() == label) correct++;
                double sum = 0;
                for (int k = 0; k < 10; k++) sum += ((Number) r.getAs("probability_" + k)).doubleValue();
                assertEquals(1.0, sum, 1e-12);
                nll -= Math.log(((Number) r.getAs("probability_" + label)).doubleValue());
            }
            assertEquals(history.get(2).valAccuracy(), correct / 363.0, 0.0, fmt);
            assertEquals(history.get(2).valLoss(), nll / 363, 1e-9, fmt + ": mean -log p(label) is the validation loss");
        }
        SparkTrainException again = assertThrows(SparkTrainException.class, () -> Commands.predict(SparkTestContext.get(), m,
                tmp.resolve("pred-csv").toString(), "csv", "validation", List.of(), System.out));
        assertTrue(again.getMessage().endsWith("already exists; remove it or choose another path"), again.getMessage());
    }

    private static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }
}
