package dev.sparktrain.cli;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.sparktrain.cli.CliHelpTest.Ran;
import dev.sparktrain.store.ModelDescription;
import dev.sparktrain.store.Safetensors;
import dev.sparktrain.store.SafetensorsModel;
import dev.sparktrain.store.TrainedDigits;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.sparktrain.cli.CliHelpTest.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code export}: a saved model to safetensors and ONNX through the command line, and its refusals. */
class ExportCommandTest {
    @TempDir
    static Path dir;
    private static TrainedDigits digits;
    private static String model;

    @BeforeAll
    static void saveAModel() {
        digits = new TrainedDigits();
        model = dir.resolve("model").toString();
        description("CrossEntropyLoss", 10).save(model, digits.params, new Configuration());
    }

    private static ModelDescription description(String loss, int classes) {
        return new ModelDescription(TrainedDigits.SPEC, loss, Map.of(), 64, classes, digits.model.tensorSizes(),
                List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"), "dense float64",
                new ModelDescription.Scaling(digits.standardizer.mean(), digits.standardizer.std(), true), null, List.of(), null, null, null);
    }

    @Test
    void safetensorsCarryTheWeightsAndTheStandardizationAndLabelsAsMetadata() throws Exception {
        String out = dir.resolve("w.safetensors").toString();
        Ran r = run("export", model, out);
        assertEquals(0, r.status(), r.err());
        assertEquals("export: " + model + " written to " + out + " (safetensors, float64, 4 tensors, " + Files.size(Path.of(out))
                + " bytes)\n", r.out());
        Safetensors.Contents c = SafetensorsModel.read(out, new Configuration());
        assertArrayEquals(digits.params, SafetensorsModel.params(c, digits.model, out), 0.0);
        assertEquals(TrainedDigits.SPEC, c.metadata().get("model"));
        assertEquals("[\"zero\",\"one\",\"two\",\"three\",\"four\",\"five\",\"six\",\"seven\",\"eight\",\"nine\"]", c.metadata().get("labels"));
        assertTrue(c.metadata().get("standardize.mean").startsWith("[0.0,"), c.metadata().get("standardize.mean"));
        assertEquals("true", c.metadata().get("standardize.centered"));

        String f32 = dir.resolve("w32.safetensors").toString();
        assertEquals(0, run("export", model, f32, "--dtype", "float32").status());
        Safetensors.Contents c32 = SafetensorsModel.read(f32, new Configuration());
        assertEquals(Safetensors.Dtype.F32, c32.tensors().get("0.weight").dtype());
    }

    @Test
    void onnxByEndingOrFormatLoadsInOnnxRuntimeWithItsOutputs() throws Exception {
        String out = dir.resolve("m.onnx").toString();
        Ran r = run("export", model, out, "--probabilities", "--dtype", "float32");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().startsWith("export: " + model + " written to " + out + " (onnx, float32, opset 13, input 'input' "
                + "[batch, 64] standardized in the graph, output 'output' and 'probabilities' (softmax), "), r.out());
        String other = dir.resolve("m.bin").toString();
        assertEquals(0, run("export", "--format", "onnx", model, other).status());
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession a = env.createSession(out, new OrtSession.SessionOptions());
             OrtSession b = env.createSession(other, new OrtSession.SessionOptions())) {
            assertEquals(List.of("output", "probabilities"), List.copyOf(a.getOutputNames()));
            assertEquals(List.of("output"), List.copyOf(b.getOutputNames()));
            assertEquals(TrainedDigits.SPEC, a.getMetadata().getCustomMetadata().get("model"));
        }
    }

    @Test
    void badRequestsAreRefusedInOneLineAndWriteNothing() {
        String out = dir.resolve("never").toString();
        assertEquals("sparktrain: error: --format: expected safetensors or onnx, got 'pt'\n",
                run("export", model, out, "--format", "pt").err());
        assertEquals("sparktrain: error: --dtype: expected float64 or float32, got 'float16'\n",
                run("export", model, out, "--dtype", "float16").err());
        assertEquals("sparktrain: error: --probabilities: only with --format onnx\n",
                run("export", model, out, "--probabilities").err());
        String regression = dir.resolve("regression").toString();
        new ModelDescription(TrainedDigits.SPEC, "MSELoss", Map.of(), 64, 0, digits.model.tensorSizes(), null, null, null, null,
                List.of(), null, null, null).save(regression, digits.params, new Configuration());
        assertEquals("sparktrain: error: --probabilities: " + regression + " is a regression model (MSELoss): it has no class "
                + "probabilities\n", run("export", regression, out + ".onnx", "--probabilities").err());
        Ran missing = run("export", model);
        assertEquals(2, missing.status());
        assertTrue(missing.err().startsWith("sparktrain: error: export: expected a model directory and an output file, got '"
                + model + "'\nusage: sparktrain export MODEL_DIR OUTPUT"), missing.err());
        assertTrue(Files.notExists(Path.of(out)) && Files.notExists(Path.of(out + ".onnx")), "nothing written");
    }

    @Test
    void helpListsTheOptions() {
        Ran h = run("export", "--help");
        assertEquals(0, h.status());
        for (String o : List.of("--format", "--dtype", "--probabilities", "state_dict")) assertTrue(h.out().contains(o), o);
    }
}
