package dev.sparktrain.cli;

import dev.sparktrain.train.EpochStats;
import dev.sparktrain.store.ModelIO;
import dev.sparktrain.train.SparkTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped default job, end to end on the shared local Spark context. */
class DigitsJobTest {
    @TempDir
    Path out;

    @Test
    void defaultDigitsJobTrainsAndSaves() {
        // surefire runs in the project root, where the job's relative data.path resolves
        JobConfig cfg = Main.parse(new String[] {Main.DEFAULT_JOB, "output.dir=" + out});
        TrainJob job = new TrainJob(cfg);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(buf, true, StandardCharsets.UTF_8);
        List<EpochStats> history = job.run(SparkTestContext.get(), ps);
        String printed = buf.toString(StandardCharsets.UTF_8);

        assertEquals(cfg.train.epochs(), history.size());
        EpochStats last = history.get(history.size() - 1);
        assertTrue(last.valAccuracy() >= 0.95, "final validation accuracy " + last.valAccuracy() + "\n" + printed);
        assertTrue(last.trainLoss() < history.get(0).trainLoss(), "training loss went down");

        List<String> epochLines = printed.lines().filter(l -> l.startsWith("epoch ")).toList();
        assertEquals(cfg.train.epochs(), epochLines.size(), printed);
        for (int e = 0; e < epochLines.size(); e++) {
            assertTrue(epochLines.get(e).startsWith(String.format("epoch %3d/%d", e + 1, cfg.train.epochs())),
                    epochLines.get(e));
            assertTrue(epochLines.get(e).contains("val_acc"), epochLines.get(e));
        }
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("data: ") && l.contains("training rows")), printed);
        assertTrue(printed.lines().anyMatch(l -> l.startsWith("done: ")), printed);

        assertTrue(Files.exists(out.resolve("model.json")) && Files.exists(out.resolve("params.bin")));
        ModelIO.Saved saved = ModelIO.load(out.toString(), new org.apache.hadoop.conf.Configuration());
        Map<String, Object> d = saved.description();
        assertEquals(9610, d.get("param_count"));
        assertEquals(9610, saved.params().length);
        assertEquals("CrossEntropyLoss", d.get("loss"));
        assertEquals(64, d.get("features"));
        assertEquals(10, d.get("classes"));
        assertTrue(d.get("standardize") instanceof Map<?, ?>, "scaling saved with the model");
        assertEquals(cfg.train.epochs(), ((List<?>) d.get("history")).size());
    }
}
