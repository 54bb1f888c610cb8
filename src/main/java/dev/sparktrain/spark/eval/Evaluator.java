package dev.sparktrain.spark.eval;

import dev.sparktrain.data.BatchLeaves;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.RowGroups;
import dev.sparktrain.data.SumTree;
import dev.sparktrain.spark.load.Blocks;
import dev.sparktrain.train.GroupedSums;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.train.BlockWorker;
import dev.sparktrain.spark.Spark;
import dev.sparktrain.store.SavedModel;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.Collections;
import java.util.List;

/**
 * Evaluates a saved model over cached blocks in one Spark job: every partition returns a partial
 * {@link SumTree} of its loss sums (the training run's validation kernel), correct count,
 * confusion counts or squared and absolute errors, over the same row groups as the run's
 * validation; the driver merges them, so the loss and accuracy on the training run's validation
 * rows are the run's validation figures to the last bit, on any partitioning.
 */
public final class Evaluator {
    private static final int LOSS = 0, NORM = 1, ROWS = 2, CORRECT = 3, SSE = 4, SAE = 5, OUTPUTS = 6, CONF = 7;

    private Evaluator() {
    }

    public static Evaluation evaluate(JavaSparkContext jsc, JavaRDD<PackedBlock> blocks, SavedModel m) {
        Sequential model = m.model();
        Loss loss = m.loss();
        boolean classifier = m.classifier();
        int k = classifier ? m.classCount() : 0;
        jsc.setJobDescription("sparktrain evaluate " + m.dir());
        Broadcast<double[]> weights = jsc.broadcast(m.params());
        long n = Blocks.rows(blocks);
        RowGroups groups = RowGroups.forEvaluation(n);
        JavaRDD<PackedBlock> mine = Blocks.isAligned(blocks, groups) ? null : Blocks.aligned(jsc, blocks, groups, "blocks to evaluate");
        JavaRDD<PackedBlock> input = mine == null ? blocks : mine;
        int width = CONF + k * k;
        try {
            List<SumTree> parts = Spark.call("evaluate", () -> input.mapPartitions(it -> {
                double[] params = weights.value();
                BlockWorker worker = new BlockWorker(model, loss);
                int c = model.outFeatures();
                SumTree tree = new SumTree(groups.leaves());
                while (it.hasNext()) {
                    PackedBlock b = it.next();
                    double[] y = b.y();
                    int tw = b.targetWidth();
                    tree.merge(GroupedSums.sum(BatchLeaves.all(b, groups), groups, 1, leaf -> {
                        double[] acc = new double[width];
                        System.arraycopy(worker.evaluateStats(b, leaf.rows(), params), 0, acc, LOSS, BatchKernel.STATS);
                        int row = leaf.rows().start();
                        int count = leaf.rows().length();
                        double[] out = worker.forward(b, row, count, params);
                        for (int i = 0; i < count; i++) {
                            if (classifier) {
                                if (loss.ignores(y[(row + i) * tw])) continue;   // not in the confusion, as not in accuracy
                                int t = Scoring.trueClass(y[(row + i) * tw], c);
                                acc[CONF + t * k + Scoring.predictedClass(out, i, c)]++;
                            } else {
                                for (int j = 0; j < c; j++) {
                                    double e = out[i * c + j] - y[(row + i) * tw + j];
                                    acc[SSE] += e * e;
                                    acc[SAE] += Math.abs(e);
                                    acc[OUTPUTS]++;
                                }
                            }
                        }
                        return acc;
                    }));
                }
                return Collections.singletonList(tree).iterator();
            }).collect());
            SumTree all = new SumTree(groups.leaves());
            for (SumTree p : parts) all.merge(p);
            double[] t = n == 0 || all.root() == null ? new double[width] : all.root();
            long rows = (long) t[ROWS];
            double lossValue = t[LOSS] / loss.reduction().divisor(t[NORM]);
            if (!classifier) {
                return new Evaluation(rows, lossValue, Double.NaN, null, Math.sqrt(t[SSE] / t[OUTPUTS]), t[SAE] / t[OUTPUTS]);
            }
            long[][] conf = new long[k][k];
            for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) conf[a][b] = (long) t[CONF + a * k + b];
            return new Evaluation(rows, lossValue, t[CORRECT] / t[ROWS], conf, Double.NaN, Double.NaN);
        } finally {
            weights.destroy();
            if (mine != null) mine.unpersist(false);
        }
    }
}
