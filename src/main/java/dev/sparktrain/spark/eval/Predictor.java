package dev.sparktrain.spark.eval;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.spark.load.Blocks;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.train.BlockWorker;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.spark.Spark;
import dev.sparktrain.store.SavedModel;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Writes a saved model's predictions for every row of cached blocks to Parquet or CSV (one file
 * per partition, written by the executors). Columns: {@code row} (the row's number in the data
 * set it was read as: 0-based, data-set order), {@code label}, then for a classifier
 * {@code prediction} (the class) and {@code probability_0..k-1} (softmax; a single-logit model
 * gets {@code probability}, the sigmoid), for regression {@code prediction} (or
 * {@code prediction_0..} for several outputs).
 */
public final class Predictor {
    private Predictor() {
    }

    /** Writes the predictions to {@code out} ({@code format} parquet or csv); returns the row count. */
    public static long predict(JavaSparkContext jsc, JavaRDD<PackedBlock> blocks, SavedModel m, String out, String format) {
        if (!format.equals("parquet") && !format.equals("csv")) {
            throw new SparkTrainException("predict: format must be parquet or csv, got '" + format + "'");
        }
        try {
            Path p = new Path(out);
            FileSystem fs = p.getFileSystem(jsc.hadoopConfiguration());
            if (fs.exists(p)) throw new SparkTrainException("predict: " + out + " already exists; remove it or choose another path");
        } catch (IOException e) {
            throw new SparkTrainException("predict: cannot check " + out + ": " + e.getMessage(), e);
        }
        Sequential model = m.model();
        dev.sparktrain.nn.Loss loss = m.loss();
        boolean classifier = m.classifier();
        int c = model.outFeatures();
        StructType schema = schema(classifier, c);
        jsc.setJobDescription("sparktrain predict " + m.dir() + " -> " + out);
        Broadcast<double[]> weights = jsc.broadcast(m.params());
        try {
            JavaRDD<Row> rows = blocks.mapPartitions(it -> new RowIterator(it, new BlockWorker(model, loss), weights.value(),
                    classifier, c));
            SparkSession spark = SparkSession.builder().sparkContext(jsc.sc()).getOrCreate();
            Dataset<Row> df = spark.createDataFrame(rows, schema);
            Spark.call("predict", () -> {
                df.write().mode(SaveMode.ErrorIfExists).format(format).option("header", "true").save(out);
                return null;
            });
            return Blocks.rows(blocks);
        } finally {
            weights.destroy();
        }
    }

    /** Rows of predictions, computed a chunk of rows at a time (nothing per partition is held whole). */
    private static final class RowIterator implements Iterator<Row> {
        private final Iterator<PackedBlock> blocks;
        private final BlockWorker worker;
        private final double[] params;
        private final boolean classifier;
        private final int c;
        private final double[] prob;
        private PackedBlock b;
        private int next;
        private int chunkStart;
        private int chunkLen;
        private double[] out;

        RowIterator(Iterator<PackedBlock> blocks, BlockWorker worker, double[] params, boolean classifier, int c) {
            this.blocks = blocks;
            this.worker = worker;
            this.params = params;
            this.classifier = classifier;
            this.c = c;
            this.prob = new double[c];
        }

        @Override
        public boolean hasNext() {
            while (b == null || next >= b.rows()) {
                if (!blocks.hasNext()) return false;
                b = blocks.next();
                next = 0;
                chunkStart = 0;
                chunkLen = 0;
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) throw new NoSuchElementException();
            if (next >= chunkStart + chunkLen) {
                chunkStart = next;
                chunkLen = Math.min(Scoring.CHUNK, b.rows() - next);
                out = worker.forward(b, next, chunkLen, params);
            }
            int i = next - chunkStart;
            Object[] v = new Object[3 + c];
            int k = 0;
            v[k++] = b.firstRow() + next;
            v[k++] = b.y()[next * b.targetWidth()];
            if (classifier) {
                v[k++] = Scoring.predictedClass(out, i, c);
                Scoring.probabilities(out, i, c, prob);
                for (int j = 0; j < c; j++) v[k++] = prob[j];
            } else {
                for (int j = 0; j < c; j++) v[k++] = out[i * c + j];
            }
            next++;
            return RowFactory.create(java.util.Arrays.copyOf(v, k));
        }
    }

    static StructType schema(boolean classifier, int c) {
        List<StructField> f = new ArrayList<>();
        f.add(DataTypes.createStructField("row", DataTypes.LongType, false));
        f.add(DataTypes.createStructField("label", DataTypes.DoubleType, false));
        if (classifier) {
            f.add(DataTypes.createStructField("prediction", DataTypes.IntegerType, false));
            if (c == 1) {
                f.add(DataTypes.createStructField("probability", DataTypes.DoubleType, false));
            } else {
                for (int j = 0; j < c; j++) f.add(DataTypes.createStructField("probability_" + j, DataTypes.DoubleType, false));
            }
        } else if (c == 1) {
            f.add(DataTypes.createStructField("prediction", DataTypes.DoubleType, false));
        } else {
            for (int j = 0; j < c; j++) f.add(DataTypes.createStructField("prediction_" + j, DataTypes.DoubleType, false));
        }
        return DataTypes.createStructType(f);
    }
}
