package dev.sparktrain.cli;

import dev.sparktrain.spark.eval.Evaluation;
import dev.sparktrain.store.SavedModel;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.SparkTestContext;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A job whose data has labels equal to loss.ignore_index (and reduction = sum): it trains, and
 * evaluate reads the same labels from the saved job, leaves those rows out of its rows, accuracy
 * and confusion matrix, and gives the run's validation figures to the bit.
 */
class IgnoredLabelJobTest {
    @TempDir
    Path dir;

    @Test
    void ignoredLabelsTrainAndEvaluate() throws IOException {
        Path job = JobRuns.writeThreeClassJob(dir, 5, List.of("model = linear(6,8), relu, linear(8,3)", "optimizer = Adam",
                "optimizer.lr = 0.01"), "loss.ignore_index = -1", "loss.reduction = sum", "output.dir = " + dir.resolve("run"));
        Path data = dir.resolve("data.csv");
        List<String> rows = new ArrayList<>(Files.readAllLines(data));
        int ignored = 0;
        for (int i = 0; i < rows.size(); i += 7, ignored++) rows.set(i, rows.get(i).replaceAll(",[0-9]$", ",-1"));
        Files.write(data, rows);

        List<EpochStats> history = new TrainJob(Main.parse(new String[] {job.toString()})).run(SparkTestContext.get(), JobRuns.quiet());
        EpochStats last = history.get(history.size() - 1);
        assertTrue(last.valAccuracy() > 0.5, "learns: " + last.valAccuracy());

        SavedModel m = SavedModel.load(dir.resolve("run").toString(), new Configuration());
        Evaluation val = Commands.evaluate(SparkTestContext.get(), m, "validation", null, List.of(), JobRuns.quiet());
        assertEquals(last.valLoss(), val.loss(), 0.0, "the validation set's summed loss, as the run computed it");
        assertEquals(last.valAccuracy(), val.accuracy(), 0.0);
        Evaluation all = Commands.evaluate(SparkTestContext.get(), m, "all", null, List.of(), JobRuns.quiet());
        assertEquals(240 - ignored, all.rows(), "rows labelled -1 are not counted");
        long inMatrix = 0;
        for (int k = 0; k < 3; k++) inMatrix += all.support(k);
        assertEquals(all.rows(), inMatrix);
    }
}
