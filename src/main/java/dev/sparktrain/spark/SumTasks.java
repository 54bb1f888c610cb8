package dev.sparktrain.spark;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.RowGroups;
import dev.sparktrain.data.SumTree;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.train.BlockWorker;
import dev.sparktrain.train.GroupedSums;
import dev.sparktrain.train.OutOfMemory;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

import java.io.Serializable;
import java.util.Iterator;

/**
 * What the executors run for {@link SparkBackend}: one partition's share of a step or of a
 * validation pass, as a partial {@link SumTree} over the partition's leaves.
 */
final class SumTasks {
    private SumTasks() {
    }

    /**
     * Executor side: one worker (with its scratch buffers) per thread, training run and first-layer
     * width: a run's models differ only there (a sharded partition's compact model,
     * {@link CompactPartition}). A worker for another width is rebuilt: its buffers are
     * {@link BatchKernel#CHUNK} rows of activations and, in float32, the model's parameters, so
     * O(touched) for a compact model, as the task's own weights and sums vectors are.
     */
    private static final ThreadLocal<Object[]> WORKERS = new ThreadLocal<>();

    static BlockWorker worker(String runKey, Sequential model, Loss loss) {
        Object[] cached = WORKERS.get();
        if (cached == null || !cached[0].equals(runKey) || (int) cached[1] != model.inFeatures()) {
            cached = new Object[] {runKey, model.inFeatures(), new BlockWorker(model, loss)};
            WORKERS.set(cached);
        }
        return (BlockWorker) cached[2];
    }

    /** A partition's task: its blocks (one) → its partial tree. */
    abstract static class PartitionTask
            extends scala.runtime.AbstractFunction2<TaskContext, scala.collection.Iterator<PackedBlock>, SumTree>
            implements Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public SumTree apply(TaskContext ctx, scala.collection.Iterator<PackedBlock> blocks) {
            try {
                return sums(scala.jdk.javaapi.CollectionConverters.asJava(blocks));
            } catch (RuntimeException | OutOfMemoryError e) {
                if (!OutOfMemory.isCause(e)) throw e;
                // One line for the user, and no OutOfMemoryError in the cause chain: Spark would log it
                // with pages of stack traces and end the executor JVM (in local mode, the driver's).
                boolean local = "driver".equals(SparkEnv.get().executorId()); // local mode: the driver's own executor
                throw new SparkTrainException(OutOfMemory.inTask(local ? OutOfMemory.Where.LOCAL_TASK
                        : OutOfMemory.Where.EXECUTOR_TASK, e, model(), threads(), kernelRows(), Runtime.getRuntime().maxMemory()));
            }
        }

        abstract SumTree sums(Iterator<PackedBlock> blocks);

        abstract Sequential model();

        /** Threads the task computes with. */
        int threads() {
            return 1;
        }

        /** Rows per kernel call at most (its buffers are this many rows deep). */
        int kernelRows() {
            return BatchKernel.CHUNK;
        }

        /** Runs the installed test hooks on one vector of the tree (a stats-sized stand-in when it holds no rows). */
        static SumTree hooked(SumTree t) {
            double[] v = t.anyVector();
            TaskHooks.runAfterTask(v != null ? v : new double[BatchKernel.STATS]);
            return t;
        }
    }

    /** One partition's share of a step: the tree of its rows of batch [from, to). */
    static final class Step extends PartitionTask {
        private static final long serialVersionUID = 1L;
        private final Sequential model;
        private final Loss loss;
        private final String runKey;
        private final SparkBackend.Weights weights;
        private final EpochOrder order;
        private final RowGroups groups;
        private final int epoch;
        private final long from;
        private final long to;
        private final int threads;

        Step(Sequential model, Loss loss, String runKey, SparkBackend.Weights weights, EpochOrder order, RowGroups groups,
             int epoch, long from, long to, int threads) {
            this.model = model;
            this.loss = loss;
            this.runKey = runKey;
            this.weights = weights;
            this.order = order;
            this.groups = groups;
            this.epoch = epoch;
            this.from = from;
            this.to = to;
            this.threads = threads;
        }

        /**
         * This task with the model and weights given (the sharded step's: the model, or a partition's
         * compact form of it, and the gathered slices); null weights: the partition holds no batch rows.
         */
        Step withWeights(Sequential m, double[] params) {
            return new Step(m, loss, runKey, new SparkBackend.Weights(params, null), order, groups, epoch, from, to, threads);
        }

        @Override
        Sequential model() {
            return model;
        }

        @Override
        int threads() {
            return threads;
        }

        @Override
        int kernelRows() {
            return (int) Math.min(BatchKernel.CHUNK, to - from);
        }

        @Override
        SumTree sums(Iterator<PackedBlock> blocks) {
            double[] params = weights.value();
            SumTree tree = new SumTree(groups.leaves());
            while (blocks.hasNext()) {
                PackedBlock b = blocks.next();
                tree.merge(GroupedSums.step(b, b.slice(order, epoch, from, to), groups, params, BlockWorker.stepKey(order, from), threads,
                        () -> worker(runKey, model, loss)));
            }
            return hooked(tree); // tools-jar hooks (fault injection in tests); nothing when none is installed
        }
    }

    /** One partition's loss, normalizer, rows and correct counts (no gradient). */
    static final class Eval extends PartitionTask {
        private static final long serialVersionUID = 1L;
        private final Sequential model;
        private final Loss loss;
        private final String runKey;
        private final SparkBackend.Weights weights;
        private final RowGroups groups;

        Eval(Sequential model, Loss loss, String runKey, SparkBackend.Weights weights, RowGroups groups) {
            this.model = model;
            this.loss = loss;
            this.runKey = runKey;
            this.weights = weights;
            this.groups = groups;
        }

        /** This task with the model (or a partition's compact form of it) and weights given (the sharded step's gathered slices). */
        Eval withWeights(Sequential m, double[] params) {
            return new Eval(m, loss, runKey, new SparkBackend.Weights(params, null), groups);
        }

        @Override
        Sequential model() {
            return model;
        }

        @Override
        SumTree sums(Iterator<PackedBlock> blocks) {
            BlockWorker w = worker(runKey, model, loss);
            double[] params = weights.value();
            SumTree tree = new SumTree(groups.leaves());
            while (blocks.hasNext()) tree.merge(GroupedSums.stats(blocks.next(), groups, params, w));
            return hooked(tree);
        }
    }
}
