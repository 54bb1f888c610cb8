package dev.sparktrain.store;

import dev.sparktrain.train.EarlyStopping;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.TrainListener;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.lr.Scheduler;
import org.apache.hadoop.conf.Configuration;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes a {@link Checkpoint} after every {@code every}-th epoch, after the last epoch and after
 * an early stop. Register it after the {@link MetricsLog} whose rows it saves. The state is taken
 * after the epoch's scheduler step, so a resumed run continues with the next epoch's first step.
 */
public final class CheckpointWriter implements TrainListener {
    private final String dir;
    private final int every;
    private final int keep;
    private final int epochs;
    private final Configuration conf;
    private final Sequential model;
    private final String loss;
    private final Optimizer optimizer;
    private final Scheduler scheduler;
    private final EarlyStopping earlyStopping;
    private final Map<String, Object> data;
    private final Map<String, String> job;
    private final Supplier<List<Map<String, Object>>> metrics;
    private final PrintStream out;

    /**
     * @param every   checkpoint every this many epochs; 0 = only at the end
     * @param epochs  the run's last epoch
     * @param metrics the epoch rows so far (saved in the checkpoint)
     * @param out     where to say that a checkpoint was written (null: silent)
     */
    public CheckpointWriter(String dir, int every, int keep, int epochs, Configuration conf, Sequential model, String loss,
                            Optimizer optimizer, Scheduler scheduler, EarlyStopping earlyStopping, Map<String, Object> data,
                            Map<String, String> job, Supplier<List<Map<String, Object>>> metrics, PrintStream out) {
        this.dir = dir;
        this.every = every;
        this.keep = keep;
        this.epochs = epochs;
        this.conf = conf;
        this.model = model;
        this.loss = loss;
        this.optimizer = optimizer;
        this.scheduler = scheduler;
        this.earlyStopping = earlyStopping;
        this.data = data;
        this.job = job;
        this.metrics = metrics;
        this.out = out;
    }

    @Override
    public void afterEpoch(EpochStats s, double[] params) {
        boolean due = (every > 0 && s.epoch() % every == 0) || s.epoch() >= epochs
                || (earlyStopping != null && earlyStopping.stopped());
        if (!due) return;
        Checkpoint c = new Checkpoint(s.epoch(), s.steps(), model.spec(), model.tensorSizes(), loss, params.clone(),
                optimizer.state(), scheduler == null ? null : scheduler.state(),
                earlyStopping == null ? null : earlyStopping.state(), data, job, metrics.get());
        String where = Checkpoints.write(dir, c, keep, conf);
        if (out != null) {
            out.println("checkpoint: " + where);
            out.flush();
        }
    }
}
