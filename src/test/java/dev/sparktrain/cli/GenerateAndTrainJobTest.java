package dev.sparktrain.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.spark.load.DataLoader;
import dev.sparktrain.data.DataSettings;
import dev.sparktrain.spark.load.LoadedData;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.Synthetic;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.SparkTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The generate command, and a training job on what it wrote, end to end (job file to model.json). */
class GenerateAndTrainJobTest {
    @TempDir
    Path dir;

    private static String run(GenerateCommand g) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        g.run(SparkTestContext.get(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static double[] allRows(String path, DataSettings.Format f, int d) {
        LoadedData ld = DataLoader.load(SparkTestContext.get(), DataSettings.builder(path, d).format(f).classes(2).partitions(1).build());
        try {
            PackedBlock b = ld.train().collect().get(0);
            double[] x = new double[b.rows() * (d + 1)];
            double[] y = new double[b.rows()];
            double[] bx = new double[b.rows() * d];
            b.gatherDense(null, 0, b.rows(), bx, y);
            for (int r = 0; r < b.rows(); r++) {
                System.arraycopy(bx, r * d, x, r * (d + 1), d);
                x[r * (d + 1) + d] = y[r];
            }
            return x;
        } finally {
            ld.train().unpersist(false);
        }
    }

    @Test
    void generatedDataDoesNotDependOnThePartitionCount() {
        String one = dir.resolve("one").toString();
        String three = dir.resolve("three").toString();
        String out = run(new GenerateCommand(new String[] {"rows=500", "features=30", "classes=2", "density=0.2", "seed=9",
                "format=libsvm", "output=" + one}, 1));
        assertTrue(out.startsWith("generate: wrote 500 rows x 30 features (2 classes, density 0.2) as libsvm in 1 partitions to " + one), out);
        assertTrue(out.contains("data.format = libsvm, data.features = 30, data.classes = 2"), out);
        run(new GenerateCommand(new String[] {"rows=500", "features=30", "classes=2", "density=0.2", "seed=9",
                "format=parquet", "partitions=3", "output=" + three}, 1));
        double[] a = allRows(one, DataSettings.Format.LIBSVM, 30);
        double[] b = allRows(three, DataSettings.Format.PARQUET, 30);
        assertArrayEquals(a, b);
        double[][] ref = new Synthetic(500, 30, 2, 0.2, 9, 0.1).denseRows(0, 500);
        assertEquals(ref[1][499], b[499 * 31 + 30]);
        // ~20% density, and both classes occur in fair numbers.
        long nz = 0;
        double ones = 0;
        for (int r = 0; r < 500; r++) {
            for (int j = 0; j < 30; j++) if (ref[0][r * 30 + j] != 0) nz++;
            ones += ref[1][r];
        }
        assertEquals(0.2, nz / 15000.0, 0.02);
        assertTrue(ones > 150 && ones < 350, "class 1 rows: " + ones);
    }

    @Test
    void generateRefusesBadArgumentsAndExistingOutput() throws IOException {
        SparkTrainException e = assertThrows(SparkTrainException.class,
                () -> new GenerateCommand(new String[] {"rows=10", "features=3", "colour=red", "output=x"}, 1));
        assertTrue(e.getMessage().contains("'colour': unknown option; allowed:"), e.getMessage());
        e = assertThrows(SparkTrainException.class, () -> new GenerateCommand(new String[] {"rows=10", "features=3"}, 1));
        assertTrue(e.getMessage().contains("'output': required"), e.getMessage());
        e = assertThrows(SparkTrainException.class,
                () -> new GenerateCommand(new String[] {"rows=10", "features=3", "density=0", "output=x"}, 1));
        assertTrue(e.getMessage().contains("density must be in (0, 1]"), e.getMessage());
        Path exists = Files.createDirectories(dir.resolve("exists"));
        Files.writeString(exists.resolve("f"), "x");
        e = assertThrows(SparkTrainException.class, () -> run(new GenerateCommand(new String[] {"rows=10", "features=3",
                "output=" + exists}, 1)));
        assertTrue(e.getMessage().contains("already exists; add overwrite=true"), e.getMessage());
    }

    @Test
    @SuppressWarnings("unchecked")
    void trainJobOnGeneratedCsvWithStringLabelsSavesTheMapping() throws IOException {
        Path csv = dir.resolve("iris.csv");
        StringBuilder sb = new StringBuilder("petal,sepal,species\n");
        double[][] xy = new Synthetic(300, 2, 3, 1.0, 2, 0.05).denseRows(0, 300);
        String[] names = {"setosa", "versicolor", "virginica"};
        for (int r = 0; r < 300; r++) sb.append(xy[0][2 * r]).append(',').append(xy[0][2 * r + 1]).append(',').append(names[(int) xy[1][r]]).append('\n');
        Files.writeString(csv, sb.toString());
        Path job = dir.resolve("job.conf");
        Path outDir = dir.resolve("model");
        Files.writeString(job, String.join("\n",
                "data.path = " + csv, "data.header = true", "data.label_column = species", "data.labels = auto",
                "data.features = 2", "data.classes = 3", "data.partitions = 2", "data.standardize = true",
                "data.precision = float32", "model = linear(2,3)", "optimizer = Adam", "optimizer.lr = 0.1",
                "train.epochs = 8", "train.batch_size = 50", "output.dir = " + outDir, ""));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<EpochStats> h = new TrainJob(Main.parse(new String[] {job.toString()}))
                .run(SparkTestContext.get(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("data: " + csv + ": "), out);
        assertTrue(out.contains(" validation rows, 2 partitions, dense float32, cached "), out);
        assertTrue(h.get(h.size() - 1).valAccuracy() > 0.85, out);
        Map<String, Object> model = new ObjectMapper().readValue(outDir.resolve("model.json").toFile(), Map.class);
        assertEquals(List.of("setosa", "versicolor", "virginica"), model.get("labels"));
        assertEquals("dense float32", model.get("storage"));
        assertEquals(true, ((Map<String, Object>) model.get("standardize")).get("centered"));
    }

    @Test
    void sparseFloat32JobWithMinusOnePlusOneLabelsEvaluatesLikeItsRun() throws IOException {
        Path svm = dir.resolve("pm.libsvm");
        Synthetic spec = new Synthetic(400, 500, 2, 0.05, 4, 0.1);
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < 400; r++) {
            Synthetic.Sample smp = spec.row(r);
            sb.append(smp.label() == 1 ? "+1" : "-1");
            for (int k = 0; k < smp.indices().length; k++) sb.append(' ').append(smp.indices()[k] + 1).append(':').append(smp.values()[k]);
            sb.append('\n');
        }
        Files.writeString(svm, sb.toString());
        Path job = dir.resolve("svm.conf");
        Path run = dir.resolve("svm-run");
        Files.writeString(job, String.join("\n", "data.path = " + svm, "data.format = libsvm", "data.features = 500",
                "data.labels = -1, 1", "data.partitions = 2", "data.standardize = true", "data.precision = float32",
                "model = linear(500,2)", "optimizer = Adam", "optimizer.lr = 0.05", "train.epochs = 3", "train.batch_size = 64",
                "output.dir = " + run, ""));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<EpochStats> h = new TrainJob(Main.parse(new String[] {job.toString()}))
                .run(SparkTestContext.get(), new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("2 partitions, sparse float32, "), out);
        dev.sparktrain.store.SavedModel m = dev.sparktrain.store.SavedModel.load(run.toString(), new org.apache.hadoop.conf.Configuration());
        assertEquals(List.of("-1", "1"), m.labels());
        dev.sparktrain.spark.eval.Evaluation e = Commands.evaluate(SparkTestContext.get(), m, "validation", null, List.of(),
                new PrintStream(new ByteArrayOutputStream()));
        EpochStats last = h.get(h.size() - 1);
        assertEquals(last.valLoss(), e.loss(), 1e-12 * last.valLoss(), "CSR float32 rows scaled at evaluate time like at training time");
        assertEquals(last.valAccuracy(), e.accuracy(), 0.0);
        long n = Commands.predict(SparkTestContext.get(), m, dir.resolve("pred.parquet").toString(), "parquet", "all", List.of(),
                new PrintStream(new ByteArrayOutputStream()));
        assertEquals(400, n);
    }

    @Test
    void jobFileRefusesKeysThatDoNotFitTheFormat() throws IOException {
        Path job = dir.resolve("bad.conf");
        Files.writeString(job, "data.path = x\ndata.format = parquet\ndata.header = true\ndata.features = 2\nmodel = linear(2,2)\noptimizer = SGD\noptimizer.lr = 0.1\n");
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> Main.parse(new String[] {job.toString()}));
        assertEquals(job + ":3: 'data.header': only for data.format = csv (parquet knows its columns)", e.getMessage());
        Files.writeString(job, "data.path = x\ndata.features = 2\ndata.validation_path = y\ndata.validation_fraction = 0.1\nmodel = linear(2,2)\noptimizer = SGD\noptimizer.lr = 0.1\n");
        e = assertThrows(SparkTrainException.class, () -> Main.parse(new String[] {job.toString()}));
        assertTrue(e.getMessage().contains("either a validation fraction or data.validation_path"), e.getMessage());
        Files.writeString(job, "data.path = x\ndata.features = 2\ndata.labels = auto\nmodel = linear(2,2)\noptimizer = SGD\noptimizer.lr = 0.1\n");
        e = assertThrows(SparkTrainException.class, () -> Main.parse(new String[] {job.toString()}));
        assertTrue(e.getMessage().contains("set data.classes"), e.getMessage());
        Files.writeString(job, "data.path = x\ndata.features = 2\nmodel = linear(2,3)\nloss = MSELoss\noptimizer = SGD\noptimizer.lr = 0.1\n");
        e = assertThrows(SparkTrainException.class, () -> new TrainJob(Main.parse(new String[] {job.toString()})));
        assertTrue(e.getMessage().endsWith("MSELoss with 3 outputs needs 3 targets per row, but the data has one label per row"), e.getMessage());
    }

}
