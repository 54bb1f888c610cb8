package dev.sparktrain.store;

import dev.sparktrain.train.EarlyStopping;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.ShardedUpdates;
import dev.sparktrain.train.TrainListener;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.OptimizerShard;
import dev.sparktrain.optim.lr.Scheduler;
import org.apache.hadoop.conf.Configuration;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes a {@link Checkpoint} after every {@code every}-th epoch, after the last epoch and after
 * an early stop. Register it after the {@link MetricsLog} whose rows it saves. The state is taken
 * after the epoch's scheduler step, so a resumed run continues with the next epoch's first step.
 * In a sharded run the slices' owners write the parameters and optimizer state themselves
 * ({@link ShardedUpdates#writeSlices}); the driver writes the header and commits.
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
    private ShardedUpdates owners;

    /** @param out where to say that a checkpoint was written (null: silent) */
    public CheckpointWriter(Policy policy, Content content, Configuration conf, PrintStream out) {
        this.policy = policy;
        this.content = content;
        this.conf = conf;
        this.out = out;
    }

    @Override
    public void startFit(ShardedUpdates sharded) {
        // with param groups out of vector order the slices of a buffer are not its consecutive
        // pieces: such a run's checkpoint goes through the driver
        owners = sharded != null && OptimizerShard.buffersConcatenate(content.optimizer()) ? sharded : null;
    }

    /** A sharded run's owners write its checkpoints: the driver needs no parameters for them. */
    @Override
    public boolean needsParams(EpochStats s) {
        return owners == null && due(s);
    }

    private boolean due(EpochStats s) {
        EarlyStopping es = content.earlyStopping();
        return (policy.every() > 0 && s.epoch() % policy.every() == 0) || s.epoch() >= policy.epochs()
                || (es != null && es.stopped());
    }

    @Override
    public void afterEpoch(EpochStats s, double[] params) {
        if (!due(s)) return;
        EarlyStopping es = content.earlyStopping();
        Sequential model = content.model();
        Optimizer opt = content.optimizer();
        Map<String, Object> optimizer = owners == null ? opt.state() : new LinkedHashMap<>(Map.of("optimizer", opt.name()));
        // the param groups as the driver holds them (a scheduler moves them); the owners add the state
        if (owners != null) optimizer.put("param_groups", OptimizerShard.hypers(opt));
        Checkpoint c = new Checkpoint(s.epoch(), s.steps(), model.spec(), model.tensorSizes(), content.loss(),
                owners == null ? params.clone() : null, optimizer,
                content.scheduler() == null ? null : content.scheduler().state(),
                es == null ? null : es.state(), content.data(), content.job(), content.metrics().get());
        String where = owners == null ? Checkpoints.write(policy.dir(), c, policy.keep(), conf)
                : Checkpoints.writeSharded(policy.dir(), c, policy.keep(), conf, owners::writeSlices);
        if (out != null) {
            out.println("checkpoint: " + where);
            out.flush();
        }
    }
}
