package dev.sparktrain.bench;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.DenseBlock;
import dev.sparktrain.data.PackedBlock;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.SparkEnv;
import org.apache.spark.storage.BlockStatus;
import org.apache.spark.storage.RDDBlockId;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic classification data, generated on the executors: row i's features are
 * standard normal from a generator seeded by (seed, i), its label is 1 when a fixed linear score
 * plus noise is positive. The same rows whatever the partitioning. Partition p holds the
 * contiguous rows [n·p/P, n·(p+1)/P) as one {@link PackedBlock}, so the RDD's lineage is a tiny
 * parallelized list of partition numbers (not the data: a {@code parallelize}d collection travels
 * with every task).
 */
final class SyntheticData {
    private SyntheticData() {
    }

    /** Fills rows [lo, hi) into x (row-major) and y (0/1 labels). */
    static void fill(long seed, int d, long lo, long hi, double[] x, double[] y) {
        double[] w = trueWeights(seed, d);
        for (long i = lo; i < hi; i++) {
            SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
            int off = (int) (i - lo) * d;
            double s = 0;
            for (int j = 0; j < d; j++) {
                double v = r.nextGaussian();
                x[off + j] = v;
                s += w[j] * v;
            }
            y[(int) (i - lo)] = s + 0.5 * r.nextGaussian() > 0 ? 1.0 : 0.0;
        }
    }

    static double[] trueWeights(long seed, int d) {
        SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
        double[] w = new double[d];
        for (int j = 0; j < d; j++) w[j] = r.nextGaussian() / Math.sqrt(d);
        return w;
    }

    static DenseBlock.Float64 block(long seed, int d, long lo, long hi) {
        int rows = Math.toIntExact(hi - lo);
        double[] x = new double[Math.multiplyExact(rows, d)];
        double[] y = new double[rows];
        fill(seed, d, lo, hi, x, y);
        return PackedBlock.dense(lo, rows, d, 1, x, y);
    }

    /** The same rows stored as {@code precision} (float32: each value rounded, as {@code data.precision = float32} stores it). */
    static PackedBlock block(long seed, int d, long lo, long hi, PackedBlock.Precision precision) {
        DenseBlock.Float64 b = block(seed, d, lo, hi);
        if (precision == PackedBlock.Precision.FLOAT64) return b;
        double[] x = b.x();
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        return PackedBlock.denseFloat(lo, b.rows(), d, 1, f, b.y());
    }

    /** A cached RDD of one block per partition, built on the executors. */
    static JavaRDD<PackedBlock> blocks(JavaSparkContext jsc, long n, int d, int parts, long seed) {
        return blocks(jsc, n, d, parts, seed, PackedBlock.Precision.FLOAT64);
    }

    /** {@link #blocks} with the features stored as {@code precision}. */
    static JavaRDD<PackedBlock> blocks(JavaSparkContext jsc, long n, int d, int parts, long seed,
                                      PackedBlock.Precision precision) {
        List<Integer> ids = new ArrayList<>();
        for (int p = 0; p < parts; p++) ids.add(p);
        JavaRDD<PackedBlock> rdd = jsc.parallelize(ids, parts).map(p -> {
            long lo = n * p / parts;
            long hi = n * (p + 1) / parts;
            return block(seed, d, lo, hi, precision);
        });
        rdd.setName("bench blocks " + n + "x" + d + " " + precision.name().toLowerCase(java.util.Locale.ROOT));
        rdd.persist(StorageLevel.MEMORY_ONLY());
        rdd.count();
        requireCached(jsc, rdd.rdd());
        return rdd;
    }

    /** MLlib's input for GradientDescent: (label, dense vector) pairs of the same rows, cached. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static RDD<Tuple2<Object, org.apache.spark.mllib.linalg.Vector>> mllibPairs(JavaSparkContext jsc,
                                                                               JavaRDD<PackedBlock> blocks) {
        JavaRDD<Tuple2<Object, org.apache.spark.mllib.linalg.Vector>> pairs = blocks.flatMap(b -> rows(b, (x, y) ->
                new Tuple2<Object, org.apache.spark.mllib.linalg.Vector>(y, org.apache.spark.mllib.linalg.Vectors.dense(x))));
        pairs.setName("bench mllib (label, vector) pairs");
        pairs.persist(StorageLevel.MEMORY_ONLY());
        pairs.count();
        requireCached(jsc, pairs.rdd());
        return pairs.rdd();
    }

    /** spark.ml's input: a cached DataFrame (label double, features vector) of the same rows. */
    static Dataset<Row> mlFrame(SparkSession spark, JavaRDD<PackedBlock> blocks) {
        JavaRDD<Row> rows = blocks.flatMap(b -> rows(b, (x, y) -> RowFactory.create(y,
                org.apache.spark.ml.linalg.Vectors.dense(x))));
        StructType schema = new StructType(new StructField[] {
                new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
                new StructField("features", new org.apache.spark.ml.linalg.VectorUDT(), false, Metadata.empty())});
        Dataset<Row> df = spark.createDataFrame(rows, schema);
        df.persist(StorageLevel.MEMORY_ONLY());
        df.count();
        return df;
    }

    interface RowMaker<T> extends java.io.Serializable {
        T make(double[] x, double y);
    }

    private static <T> Iterator<T> rows(PackedBlock b, RowMaker<T> maker) {
        int d = b.features();
        double[] x = ((DenseBlock.Float64) b).x(); // generated and fromArrays blocks are dense float64
        double[] y = b.y();
        return new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < b.rows();
            }

            @Override
            public T next() {
                if (i >= b.rows()) throw new NoSuchElementException();
                T t = maker.make(Arrays.copyOfRange(x, i * d, (i + 1) * d), y[i]);
                i++;
                return t;
            }
        };
    }

    /**
     * Bytes the block manager holds for a cached RDD (memory + disk), asked of the block manager
     * master directly: the status store behind {@code getRDDStorageInfo} is filled asynchronously.
     */
    static long cachedBytes(JavaSparkContext jsc, int rddId) {
        long total = 0;
        for (int p = 0; p < numPartitions(jsc, rddId); p++) {
            scala.collection.Iterator<BlockStatus> it = SparkEnv.get().blockManager().master()
                    .getBlockStatus(new RDDBlockId(rddId, p), true).values().iterator();
            while (it.hasNext()) {
                BlockStatus st = it.next();
                total += st.memSize() + st.diskSize();
            }
        }
        return total;
    }

    private static int numPartitions(JavaSparkContext jsc, int rddId) {
        RDD<?> rdd = jsc.sc().getPersistentRDDs().get(rddId).getOrElse(() -> null);
        if (rdd == null) throw new SparkTrainException("bench: RDD " + rddId + " is not persisted");
        return rdd.getNumPartitions();
    }

    /** Refuses to time anything over an RDD that did not fit in memory (it would be recomputed). */
    static void requireCached(JavaSparkContext jsc, RDD<?> rdd) {
        int missing = 0;
        for (int p = 0; p < rdd.getNumPartitions(); p++) {
            if (SparkEnv.get().blockManager().master().getLocations(new RDDBlockId(rdd.id(), p)).isEmpty()) missing++;
        }
        if (missing > 0) {
            throw new SparkTrainException("bench: " + missing + " of " + rdd.getNumPartitions() + " partitions of "
                    + rdd.name() + " did not fit in memory; give the JVM more (BENCH_DRIVER_MEMORY) or use fewer rows");
        }
    }
}
