package dev.sparktrain.plan;

import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.lr.Scheduler;
import dev.sparktrain.spark.ShardedStep;
import dev.sparktrain.spark.SliceNorm;
import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.train.StepBackend;
import dev.sparktrain.spark.load.LoadedData;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.train.Trainer;
import org.apache.spark.api.java.JavaSparkContext;

import java.util.List;

/** Trains a {@link JobPlan} on loaded data through Spark, as both front ends do. */
public final class PlanRun {
    private PlanRun() {
    }

    /** The driver loop for {@code plan} with these (fresh or restored) optimizer and scheduler. */
    public static Trainer trainer(JobPlan plan, Optimizer optimizer, Scheduler scheduler) {
        return new Trainer(optimizer, scheduler, plan.clipper(), plan.train());
    }

    /**
     * Runs {@code trainer} over the cached blocks of {@code data}, updating {@code params} in
     * place; the blocks are released afterwards, whatever happens.
     */
    public static List<EpochStats> fit(JavaSparkContext jsc, JobPlan plan, LoadedData data, Trainer trainer, double[] params) {
        SparkBackend spark = new SparkBackend(jsc, data.train(), data.validation(), plan.model(), plan.loss(),
                plan.train().batchSize());
        try (StepBackend backend = plan.train().sharding().on(params.length)
                ? new ShardedStep(spark, params, trainer.optimizer(), new SliceNorm(plan.clipper(), params.length),
                data.train().getNumPartitions())
                : spark) {
            return trainer.fit(params, backend);
        } finally {
            data.train().unpersist(false);
            if (data.validation() != null) data.validation().unpersist(false);
        }
    }
}
