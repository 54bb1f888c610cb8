package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The job-file keys of checkpoints, resume, metrics and early stopping. */
class RunOptionsTest {

    private static JobConfig parse(String... overrides) {
        String[] args = new String[overrides.length + 1];
        args[0] = Main.DEFAULT_JOB;
        System.arraycopy(overrides, 0, args, 1, overrides.length);
        return Main.parse(args);
    }

    @Test
    void defaults(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path job = dir.resolve("minimal.conf");
        java.nio.file.Files.writeString(job, "data.path = data/digits.csv.gz\ndata.features = 64\ndata.classes = 10\n"
                + "model = linear(64,10)\noptimizer = SGD\noptimizer.lr = 0.1\noutput.dir = hdfs:///runs/x/\n");
        RunOptions r = Main.parse(new String[] {job.toString()}).run;
        assertEquals("hdfs:///runs/x/checkpoints", r.checkpointDir);
        assertEquals(1, r.checkpointEvery);
        assertEquals(2, r.checkpointKeep);
        assertNull(r.resume);
        assertFalse(r.metricsPerStep);
        assertNull(r.earlyStopping);
        assertEquals(30.0, r.progressInterval);
        assertEquals(10, parse().run.checkpointEvery, "the default job checkpoints every 10 epochs");
    }

    @Test
    void earlyStoppingKeysWithAutoMode() {
        RunOptions r = parse("early_stopping.monitor=val_accuracy", "early_stopping.patience=3",
                "early_stopping.min_delta=0.001", "early_stopping.restore_best=true", "checkpoint.every=5",
                "checkpoint.dir=s3a://b/ck", "metrics.per_step=true", "resume=runs/old").run;
        assertEquals("max", r.earlyStopping.mode());
        assertEquals(3, r.earlyStopping.patience());
        assertEquals(0.001, r.earlyStopping.minDelta());
        assertTrue(r.earlyStopping.restoreBest());
        assertEquals("s3a://b/ck", r.checkpointDir);
        assertEquals(5, r.checkpointEvery);
        assertTrue(r.metricsPerStep);
        assertEquals("runs/old", r.resume);
        assertEquals(0.0, parse("progress.interval=0").run.progressInterval);
        assertEquals(2.5, parse("progress.interval=2.5").run.progressInterval);
        assertEquals("min", parse("early_stopping.monitor=val_loss").run.earlyStopping.mode());
    }

    @Test
    void refusalsNameTheKey() {
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> parse("early_stopping.patience=3"));
        assertEquals("command line 'early_stopping.patience=3': 'early_stopping.patience': early stopping options given but "
                + "no early_stopping.monitor", e.getMessage());
        e = assertThrows(SparkTrainException.class, () -> parse("early_stopping.monitor=val_f1"));
        assertTrue(e.getMessage().contains("expected one of val_loss, val_accuracy"), e.getMessage());
        e = assertThrows(SparkTrainException.class, () -> parse("early_stopping.monitor=val_loss", "data.validation_fraction=0"));
        assertEquals("command line 'early_stopping.monitor=val_loss': 'early_stopping.monitor': val_loss needs validation rows; "
                + "set data.validation_fraction > 0", e.getMessage());
        e = assertThrows(SparkTrainException.class, () -> parse("checkpoint.keep=0"));
        assertEquals("command line 'checkpoint.keep=0': 'checkpoint.keep': must be >= 1, got 0", e.getMessage());
        e = assertThrows(SparkTrainException.class, () -> parse("checkpoint.evry=2"));
        assertTrue(e.getMessage().contains("unknown key 'checkpoint.evry'") && e.getMessage().contains("checkpoint.every"), e.getMessage());
        e = assertThrows(SparkTrainException.class, () -> parse("progress.interval=-5"));
        assertEquals("command line 'progress.interval=-5': 'progress.interval': must be a number of seconds >= 0 "
                + "(0 = no progress inside an epoch), got -5.0", e.getMessage());
        e = assertThrows(SparkTrainException.class, () -> parse("progress.interval=soon"));
        assertTrue(e.getMessage().startsWith("command line 'progress.interval=soon': 'progress.interval': "), e.getMessage());
        e = assertThrows(SparkTrainException.class, () -> parse("progress.intervall=5"));
        assertTrue(e.getMessage().contains("unknown key 'progress.intervall'") && e.getMessage().contains("progress.interval"),
                e.getMessage());
        e = assertThrows(SparkTrainException.class, () -> Main.parse(new String[] {"--resume"}));
        assertEquals("--resume needs a directory", e.getMessage());
    }
}
