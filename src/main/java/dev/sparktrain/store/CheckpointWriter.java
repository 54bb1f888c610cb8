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
    /**
     * When and where: every {@code every} epochs (0 = only at the end), the newest {@code keep}
     * kept, in {@code dir}; {@code epochs} is the run's last epoch.
     */
    public record Policy(String dir, int every, int keep, int epochs) {
    }

    /**
     * What a checkpoint holds besides the weights: the objects whose state is saved, facts about
     * the data, the resolved job and the epoch rows so far (saved with it).
     */
    public record Content(Sequential model, String loss, Optimizer optimizer, Scheduler scheduler,
                          EarlyStopping earlyStopping, DataFacts data, Map<String, String> job,
                          Supplier<List<Map<String, Object>>> metrics) {
    }

    private final Policy policy;
    private final Content content;
    private final Configuration conf;
    private final PrintStream out;

    /** @param out where to say that a checkpoint was written (null: silent) */
    public CheckpointWriter(Policy policy, Content content, Configuration conf, PrintStream out) {
        this.policy = policy;
        this.content = content;
        this.conf = conf;
        this.out = out;
    }

    @Override
    public boolean needsParams(EpochStats s) {
        EarlyStopping es = content.earlyStopping();
        return (policy.every() > 0 && s.epoch() % policy.every() == 0) || s.epoch() >= policy.epochs()
                || (es != null && es.stopped());
    }

    @Override
    public void afterEpoch(EpochStats s, double[] params) {
        if (!needsParams(s)) return;
        EarlyStopping es = content.earlyStopping();
        Sequential model = content.model();
        Checkpoint c = new Checkpoint(s.epoch(), s.steps(), model.spec(), model.tensorSizes(), content.loss(), params.clone(),
                content.optimizer().state(), content.scheduler() == null ? null : content.scheduler().state(),
                es == null ? null : es.state(), content.data(), content.job(), content.metrics().get());
        String where = Checkpoints.write(policy.dir(), c, policy.keep(), conf);
        if (out != null) {
            out.println("checkpoint: " + where);
            out.flush();
        }
    }
}
