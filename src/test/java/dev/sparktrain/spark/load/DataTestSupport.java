package dev.sparktrain.spark.load;

import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.config.Options;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.spark.SparkBackend;
import dev.sparktrain.train.SparkTestContext;
import dev.sparktrain.train.TrainSettings;
import dev.sparktrain.train.Trainer;
import org.apache.spark.api.java.JavaRDD;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Helpers for the data tests: read cached blocks back in row order, train a small model. */
final class DataTestSupport {
    private DataTestSupport() {
    }

    /** Every block of an RDD, in row order. */
    static List<PackedBlock> blocks(JavaRDD<PackedBlock> rdd) {
        List<PackedBlock> l = new ArrayList<>(rdd.collect());
        l.sort(Comparator.comparingLong(PackedBlock::firstRow));
        return l;
    }

    /** The rows of an RDD as dense float64 {x (row-major), y}, in row order; checks contiguity. */
    static double[][] rows(JavaRDD<PackedBlock> rdd) {
        List<PackedBlock> l = blocks(rdd);
        int n = 0;
        int d = l.get(0).features();
        for (PackedBlock b : l) {
            if (b.rows() > 0 && b.firstRow() != n) throw new AssertionError("block starts at " + b.firstRow() + ", expected " + n);
            n += b.rows();
        }
        double[] x = new double[n * d];
        double[] y = new double[n];
        int r = 0;
        for (PackedBlock b : l) {
            double[] bx = new double[b.rows() * d];
            double[] by = new double[b.rows()];
            b.gatherDense(null, 0, b.rows(), bx, by);
            System.arraycopy(bx, 0, x, r * d, bx.length);
            System.arraycopy(by, 0, y, r, by.length);
            r += b.rows();
        }
        return new double[][] {x, y};
    }

    /** Trains {@code model} with Adam(lr) on the loaded data through the Spark backend. */
    static List<EpochStats> train(LoadedData data, Sequential model, double[] params, String loss, int epochs, int batch,
                                  boolean shuffle, double lr) {
        Loss l = Losses.create(loss, Options.empty("loss"), model.outFeatures());
        Optimizer opt = Optimizers.create("Adam", new Options("optimizer", Map.of("lr", lr)), GroupSpec.all(params.length));
        try (SparkBackend backend = new SparkBackend(SparkTestContext.get(), data.train(), data.validation(), model, l, batch)) {
            return new Trainer(opt, null, null, new TrainSettings(epochs, batch, shuffle, 3, null)).fit(params, backend);
        }
    }

    static void release(LoadedData d) {
        d.train().unpersist(false);
        if (d.validation() != null) d.validation().unpersist(false);
    }
}
