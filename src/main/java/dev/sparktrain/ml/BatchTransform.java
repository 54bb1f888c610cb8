package dev.sparktrain.ml;

import dev.sparktrain.nn.BatchKernel;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The models' {@code transform}: on the executors each partition's rows are taken
 * {@link BatchKernel#CHUNK} at a time, their feature vectors scored by one {@link ChunkScorer}
 * call, and every row comes out with the model's columns appended (Spark's per-row UDFs called
 * the kernel once per row and column, ~80k rows/s). The output schema is the model's own
 * {@code transformSchema}, so columns and their ML metadata are those of Spark's transform.
 */
record BatchTransform(TrainedNet net, int featuresIndex, String featuresCol, BatchTransform.Columns columns)
        implements MapPartitionsFunction<Row, Row> {

    /** The appended values of one row from its network outputs {@code out[off .. off + outputs)}. */
    interface Columns extends Serializable {
        /** How many columns {@link #fill} appends. */
        int count();

        void fill(double[] out, int off, Object[] row, int at);
    }

    /**
     * The input's fields, then those of {@code names} that are not empty, in that order (Spark's
     * transform appends them so), each with the type and ML metadata {@code modelSchema} (the
     * model's transformSchema) gives it.
     */
    static StructType outputSchema(StructType input, StructType modelSchema, String[] names) {
        StructType s = input;
        for (String n : names) {
            if (n.isEmpty()) continue;
            StructField f = modelSchema.apply(n);
            // as Spark's UDF columns: a primitive double is never null, a vector may be
            s = s.add(new StructField(n, f.dataType(), !(f.dataType() instanceof DoubleType), f.metadata()));
        }
        return s;
    }

    /** {@code dataset} with {@code columns} appended, as {@code outSchema} says. */
    static Dataset<Row> apply(Dataset<?> dataset, StructType outSchema, String featuresCol, TrainedNet net, Columns columns) {
        Dataset<Row> df = dataset.toDF();
        int fi = df.schema().fieldIndex(featuresCol);
        Dataset<Row> scored = df.mapPartitions(new BatchTransform(net, fi, featuresCol, columns), Encoders.row(outSchema));
        // the encoder keeps names and types but not the fields' metadata (ML attributes): put it back
        Column[] withMeta = new Column[outSchema.length()];
        for (int i = 0; i < withMeta.length; i++) {
            StructField f = outSchema.fields()[i];
            withMeta[i] = scored.col(quoted(f.name())).as(f.name(), f.metadata());
        }
        return scored.select(withMeta);
    }

    private static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        ChunkScorer scorer = new ChunkScorer(net);
        int k = net.outputs();
        return new Iterator<>() {
            final Row[] rows = new Row[BatchKernel.CHUNK];
            final Vector[] vectors = new Vector[BatchKernel.CHUNK];
            final double[] out = new double[BatchKernel.CHUNK * k];
            int filled;
            int next;

            @Override
            public boolean hasNext() {
                if (next < filled) return true;
                filled = 0;
                next = 0;
                while (filled < rows.length && input.hasNext()) {
                    Row r = input.next();
                    if (r.isNullAt(featuresIndex)) {
                        throw new IllegalArgumentException("featuresCol '" + featuresCol + "' is null in a row; "
                                + "every row to score needs a feature vector");
                    }
                    rows[filled] = r;
                    vectors[filled++] = r.getAs(featuresIndex);
                }
                if (filled > 0) scorer.score(vectors, filled, out);
                return filled > 0;
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new NoSuchElementException();
                Row r = rows[next];
                int w = r.length();
                Object[] values = new Object[w + columns.count()];
                for (int i = 0; i < w; i++) values[i] = r.get(i);
                columns.fill(out, next * k, values, w);
                rows[next] = null;
                vectors[next++] = null;
                return RowFactory.create(values);
            }
        };
    }
}
