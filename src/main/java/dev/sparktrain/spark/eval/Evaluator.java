package dev.sparktrain.spark.eval;

import dev.sparktrain.data.PackedBlock;
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
 * Evaluates a saved model over cached blocks in one Spark job: every partition returns its loss
 * sums (the training run's validation kernel), correct count, confusion counts or squared and
 * absolute errors; the driver adds them in partition order, so the loss and accuracy on the
 * training run's validation rows are the run's validation figures to the last bit.
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
        try {
            List<double[]> parts = Spark.call("evaluate", () -> blocks.mapPartitions(it -> {
                double[] params = weights.value();
                BlockWorker worker = new BlockWorker(model, loss);
                double[] sums = new double[worker.sumsLength()];
                double[] acc = new double[CONF + k * k];
                int c = model.outFeatures();
                while (it.hasNext()) {
                    PackedBlock b = it.next();
                    worker.evaluate(b, params, sums);
                    double[] y = b.y();
                    int tw = b.targetWidth();
                    Scoring.forEachChunk(worker, params, b, (row, n, out) -> {
                        for (int i = 0; i < n; i++) {
                            if (classifier) {
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
                    });
                }
                acc[LOSS] = sums[BatchKernel.stat(sums, BatchKernel.LOSS)];
                acc[NORM] = sums[BatchKernel.stat(sums, BatchKernel.NORM)];
                acc[ROWS] = sums[BatchKernel.stat(sums, BatchKernel.ROWS)];
                acc[CORRECT] = sums[BatchKernel.stat(sums, BatchKernel.CORRECT)];
                return Collections.singletonList(acc).iterator();
            }).collect()); // one array per partition, in partition order
            double[] t = new double[CONF + k * k];
            for (double[] p : parts) for (int i = 0; i < t.length; i++) t[i] += p[i];
            long rows = (long) t[ROWS];
            if (!classifier) {
                return new Evaluation(rows, t[LOSS] / t[NORM], Double.NaN, null, Math.sqrt(t[SSE] / t[OUTPUTS]), t[SAE] / t[OUTPUTS]);
            }
            long[][] conf = new long[k][k];
            for (int a = 0; a < k; a++) for (int b = 0; b < k; b++) conf[a][b] = (long) t[CONF + a * k + b];
            return new Evaluation(rows, t[LOSS] / t[NORM], t[CORRECT] / t[ROWS], conf, Double.NaN, Double.NaN);
        } finally {
            weights.destroy();
        }
    }
}
