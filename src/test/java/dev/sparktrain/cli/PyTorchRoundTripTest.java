package dev.sparktrain.cli;

import dev.sparktrain.config.Options;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.ModelSpec;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.store.ModelDescription;
import dev.sparktrain.store.Safetensors;
import dev.sparktrain.store.SafetensorsModel;
import dev.sparktrain.store.TrainedDigits;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.SparkTestContext;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real PyTorch (Debian's python3 with python3-torch; skipped with a message where torch is absent)
 * on our files: it loads our safetensors into the nn.Sequential and computes our outputs, and a
 * job started from a model PyTorch initialized (tools/pytorch/export_sequential.py) has
 * PyTorch's own first-epoch loss.
 */
class PyTorchRoundTripTest {
    private static final String PYTHON = System.getenv().getOrDefault("SPARKTRAIN_PYTHON", "/usr/bin/python3");
    private static final Path TOOLS = Path.of(System.getProperty("project.basedir", "."), "tools", "pytorch");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsTorch() {
        String why;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import torch").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            why = p.waitFor() == 0 ? null : out.lines().reduce((a, b) -> b).orElse("exit " + p.exitValue());
        } catch (IOException | InterruptedException e) {
            why = e.getMessage();
        }
        assumeTrue(why == null, "skipped: no PyTorch for " + PYTHON + " (" + why + "); apt install python3-torch, or set "
                + "SPARKTRAIN_PYTHON");
    }

    @Test
    void pytorchLoadsOurSafetensorsAndComputesOurOutputsOn100Rows() throws Exception {
        TrainedDigits d = new TrainedDigits();
        ModelDescription desc = new ModelDescription(TrainedDigits.SPEC, "CrossEntropyLoss", Map.of(), 64, 10,
                d.model.tensorSizes(), null, null, new ModelDescription.Scaling(d.standardizer.mean(), d.standardizer.std(), true),
                null, List.of(), null, null, null);
        Path weights = dir.resolve("model.safetensors");
        SafetensorsModel.write(weights.toString(), d.model, d.params, Safetensors.Dtype.F64, SafetensorsModel.metadata(desc),
                new Configuration());
        int n = 100;
        StringBuilder csv = new StringBuilder();
        for (int r = 0; r < n; r++) {
            List<String> row = new ArrayList<>();
            for (int j = 0; j < 64; j++) row.add(Double.toString(d.x[r * 64 + j]));
            csv.append(String.join(",", row)).append('\n');
        }
        Path rows = dir.resolve("rows.csv");
        Files.writeString(rows, csv);
        double[] theirs = numbers(python("check_sparktrain.py", "outputs", weights.toString(), rows.toString()));
        BatchKernel k = new BatchKernel(d.model, Losses.create("CrossEntropyLoss", Options.empty("l"), 10));
        double[] ours = k.forward(d.params, d.scaled(d.x), 0, n);
        assertEquals(n * 10, theirs.length);
        for (int i = 0; i < n * 10; i++) {
            assertEquals(ours[i], theirs[i], 1e-12 * Math.max(1, Math.abs(ours[i])), "output " + i);
        }
    }

    /** Every layer with parameters or options, PyTorch's modules built from our spec string, our weights loaded by key. */
    @Test
    void pytorchComputesOurOutputsForEveryLayer() throws Exception {
        Sequential model = ModelSpec.of("Linear(6, 8), GELU(), LayerNorm(8, eps=0.001), Dropout(0.1), LeakyReLU(0.2), "
                + "ELU(alpha=0.5), Softplus(beta=2, threshold=5), Mish(), Hardswish(), SiLU(), GELU(approximate='tanh'), "
                + "Identity(), Tanh(), Sigmoid(), ReLU(), LayerNorm(8, elementwise_affine=False), Linear(8, 3, bias=False), "
                + "LogSoftmax(dim=1)", "test").build();
        java.util.Random rng = new java.util.Random(4);
        double[] params = model.initParams(4);
        for (int i = 0; i < params.length; i++) params[i] += rng.nextGaussian() * 0.3;
        Path weights = dir.resolve("layers.safetensors");
        SafetensorsModel.write(weights.toString(), model, params, Safetensors.Dtype.F64, Map.of("model", model.spec()),
                new Configuration());
        int n = 100;
        double[] x = new double[n * 6];
        StringBuilder csv = new StringBuilder();
        for (int r = 0; r < n; r++) {
            List<String> row = new ArrayList<>();
            for (int j = 0; j < 6; j++) {
                x[r * 6 + j] = rng.nextGaussian() * 3;
                row.add(Double.toString(x[r * 6 + j]));
            }
            csv.append(String.join(",", row)).append('\n');
        }
        Path rows = dir.resolve("rows6.csv");
        Files.writeString(rows, csv);
        double[] theirs = numbers(python("check_sparktrain.py", "outputs", weights.toString(), rows.toString()));
        double[] ours = new BatchKernel(model, Losses.create("MSELoss", Options.empty("l"), 3)).forward(params, x, 0, n);
        assertEquals(n * 3, theirs.length);
        for (int i = 0; i < n * 3; i++) {
            assertEquals(ours[i], theirs[i], 1e-12 * Math.max(1, Math.abs(ours[i])), "output " + i);
        }
    }

    @Test
    void aJobStartedFromAPyTorchInitializedModelHasPyTorchsFirstEpochLoss() throws Exception {
        Path module = dir.resolve("net.py");
        Files.writeString(module, String.join("\n", "import torch", "from torch import nn", "torch.manual_seed(7)",
                "model = nn.Sequential(nn.Linear(64, 32), nn.Tanh(), nn.Linear(32, 10))", ""));
        Path init = dir.resolve("init.safetensors");
        List<String> lines = python("export_sequential.py", module.toString(), init.toString()).lines().toList();
        assertEquals(List.of("model = Linear(64, 32), Tanh(), Linear(32, 10)", "model.init = " + init), lines);
        Path out = dir.resolve("run");
        String data = Path.of(System.getProperty("project.basedir", "."), "data", "digits.csv.gz").toString();
        List<String> args = new ArrayList<>(List.of(Main.DEFAULT_JOB, "data.path=" + data, "output.dir=" + out,
                "data.validation_fraction=0", "data.standardize=false", "train.shuffle=false", "train.epochs=1",
                "train.batch_size=64", "optimizer=SGD", "optimizer.lr=0.01", "optimizer.weight_decay=0", "scheduler=none",
                "clip=none", "output.safetensors=true"));
        for (String l : lines) args.add(l.replace(" = ", "="));
        TrainJob job = new TrainJob(Main.parse(args.toArray(String[]::new)));
        List<EpochStats> h = job.run(SparkTestContext.get(), JobRuns.quiet());
        double theirs = Double.parseDouble(python("check_sparktrain.py", "first-epoch-loss", init.toString(), data, "64", "0.01").strip());
        double ours = h.get(0).trainLoss();
        assertEquals(theirs, ours, 1e-9 * theirs, String.format(Locale.ROOT, "first-epoch loss: ours %.17g, PyTorch's %.17g", ours, theirs));
        assertTrue(Files.exists(out.resolve("model.safetensors")), "output.safetensors = true writes it next to params.bin");
    }

    private static String python(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, TOOLS.resolve(script).toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), script + " failed: " + err);
        return out;
    }

    private static double[] numbers(String json) {
        String body = json.strip();
        String[] parts = body.substring(1, body.length() - 1).split(",");
        double[] v = new double[parts.length];
        for (int i = 0; i < v.length; i++) v[i] = Double.parseDouble(parts[i].strip());
        return v;
    }
}
