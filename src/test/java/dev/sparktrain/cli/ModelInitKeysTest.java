package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.store.Safetensors;
import dev.sparktrain.store.SafetensorsModel;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The job keys model.init and output.safetensors[.dtype]: read, checked against the layer spec, refused in one line. */
class ModelInitKeysTest {
    private static final String MODEL = "linear(64,16), relu, linear(16,10)";

    @TempDir
    Path dir;

    private Path job(String... extra) throws IOException {
        List<String> lines = new java.util.ArrayList<>(List.of("data.path = data/digits.csv.gz", "data.features = 64",
                "data.classes = 10", "model = " + MODEL, "optimizer = SGD", "optimizer.lr = 0.1"));
        lines.addAll(List.of(extra));
        Path f = dir.resolve("job.conf");
        Files.write(f, lines);
        return f;
    }

    private Path weights(String spec, long seed) {
        Path f = dir.resolve("w-" + seed + ".safetensors");
        Sequential m = Sequential.parse(spec, "test");
        SafetensorsModel.write(f.toString(), m, m.initParams(seed), Safetensors.Dtype.F64, Map.of(), new Configuration());
        return f;
    }

    @Test
    void trainingStartsFromTheFilesWeights() throws IOException {
        Path w = weights(MODEL, 5);
        TrainJob job = new TrainJob(Main.parse(new String[] {job("model.init = " + w).toString()}));
        assertArrayEquals(Sequential.parse(MODEL, "t").initParams(5), job.initialParams(), 0.0);
        TrainJob seeded = new TrainJob(Main.parse(new String[] {job().toString()}));
        assertArrayEquals(Sequential.parse(MODEL, "t").initParams(42), seeded.initialParams(), 0.0, "without it: the seeded init");
    }

    @Test
    void aFileThatDoesNotFitTheModelIsRefusedNamingKeyExpectedAndFound() throws IOException {
        Path w = weights("linear(64,16), relu, linear(16,9)", 5);
        Path f = job("model.init = " + w);
        JobConfig cfg = Main.parse(new String[] {f.toString()});
        assertEquals(f + ":7 (model.init) " + w + ": key '2.weight': expected shape [10, 16] (model Linear(64, 16), ReLU(), "
                + "Linear(16, 10)), found [9, 16]",
                assertThrows(SparkTrainException.class, () -> new TrainJob(cfg)).getMessage());
        Path none = dir.resolve("none.safetensors");
        JobConfig missing = Main.parse(new String[] {job().toString(), "model.init=" + none});
        assertEquals("command line 'model.init=" + none + "' (model.init) " + none + ": no such file",
                assertThrows(SparkTrainException.class, () -> new TrainJob(missing)).getMessage());
    }

    @Test
    void outputSafetensorsAndItsDtype() throws IOException {
        assertNull(Main.parse(new String[] {job().toString()}).outputSafetensors);
        assertEquals(Safetensors.Dtype.F64, Main.parse(new String[] {job("output.safetensors = true").toString()}).outputSafetensors);
        assertEquals(Safetensors.Dtype.F32, Main.parse(new String[] {job("output.safetensors = true",
                "output.safetensors.dtype = float32").toString()}).outputSafetensors);
        Path f = job("output.safetensors.dtype = float32");
        assertEquals(f + ":7: 'output.safetensors.dtype' given but output.safetensors is not true",
                assertThrows(SparkTrainException.class, () -> Main.parse(new String[] {f.toString()})).getMessage());
        Path g = job("output.safetensors = true", "output.safetensors.dtype = float16");
        String m = assertThrows(SparkTrainException.class, () -> Main.parse(new String[] {g.toString()})).getMessage();
        assertEquals(g + ":8: 'output.safetensors.dtype': expected one of float64, float32, got 'float16'", m);
    }

    @Test
    void trainHelpListsTheNewKeys() {
        String help = CliHelpTest.run("train", "--help").out();
        for (String k : List.of("model.init", "output.safetensors", "output.safetensors.dtype")) {
            assertEquals(1, help.lines().filter(l -> l.startsWith("  " + k + " ")).count(), k + " in:\n" + help);
        }
    }
}
