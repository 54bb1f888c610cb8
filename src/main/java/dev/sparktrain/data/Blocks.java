package dev.sparktrain.data;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.train.Spark;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Builds cached RDDs of {@link PackedBlock}s: one block per partition, contiguous row ranges. */
public final class Blocks {
    private Blocks() {
    }

    /** Splits in-memory rows into {@code partitions} contiguous blocks (tests, Java API). */
    public static JavaRDD<PackedBlock> fromArrays(JavaSparkContext jsc, double[] x, double[] y, int features,
                                                  int targetWidth, int partitions) {
        int n = y.length / targetWidth;
        List<PackedBlock> blocks = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int lo = (int) ((long) n * p / partitions);
            int hi = (int) ((long) n * (p + 1) / partitions);
            double[] bx = java.util.Arrays.copyOfRange(x, lo * features, hi * features);
            double[] by = java.util.Arrays.copyOfRange(y, lo * targetWidth, hi * targetWidth);
            blocks.add(new PackedBlock(lo, hi - lo, features, targetWidth, bx, by));
        }
        return cache(jsc.parallelize(blocks, partitions), "training blocks");
    }

    /** Reads a CSV file (any Hadoop path, .gz too), validates every row, splits and packs it. */
    public static LoadedData loadCsv(JavaSparkContext jsc, DataSettings s) {
        requireExists(jsc, s.path());
        CsvRowParser parser = new CsvRowParser(s.path(), s.features(), s.labelColumn(), s.classes());
        boolean header = s.header();
        double frac = s.validationFraction();
        long seed = s.seed();
        int features = s.features();
        // zipWithIndex runs a job (counting lines per split) when the file has several splits
        JavaPairRDD<String, Long> lines = Spark.call(s.path() + ": reading", () -> jsc.textFile(s.path()).zipWithIndex());
        JavaPairRDD<Boolean, LabeledRow> parsed = lines.flatMapToPair(t -> {
            long idx = t._2();
            String line = t._1();
            if ((header && idx == 0) || line.isBlank()) return java.util.Collections.emptyIterator();
            double[] x = new double[features];
            double y = parser.parse(line, idx + 1, x);
            boolean val = frac > 0 && unitHash(seed, idx) < frac;
            return List.of(new Tuple2<>(val, new LabeledRow(x, y))).iterator();
        });
        parsed.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            int parts = s.partitions() > 0 ? s.partitions() : jsc.defaultParallelism();
            JavaRDD<LabeledRow> trainRows = parsed.filter(t -> !t._1()).values();
            JavaRDD<LabeledRow> valRows = parsed.filter(Tuple2::_1).values();
            JavaRDD<PackedBlock> train = pack(trainRows, features, parts, s.path() + ": training rows");
            JavaRDD<PackedBlock> val = frac > 0 ? pack(valRows, features, parts, s.path() + ": validation rows") : null;
            long nTrain = rows(train);
            long nVal = val == null ? 0 : rows(val);
            if (nTrain == 0) throw new SparkTrainException(s.path() + ": no training rows");
            Standardizer st = null;
            if (s.standardize()) {
                st = fit(train, features, nTrain);
                train = scaled(train, st, "training blocks");
                val = val == null ? null : scaled(val, st, "validation blocks");
            }
            long bytes = bytes(train) + (val == null ? 0 : bytes(val));
            return new LoadedData(train, val, nTrain, nVal, st, bytes);
        } finally {
            parsed.unpersist(false);
        }
    }

    /** A uniform number in [0,1) from (seed, row): decides validation membership per row. */
    static double unitHash(long seed, long row) {
        return (EpochOrder.mix(seed * 0x2545F4914F6CDD1DL + row) >>> 11) * 0x1.0p-53;
    }

    private static void requireExists(JavaSparkContext jsc, String path) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(jsc.hadoopConfiguration());
            if (!fs.exists(p)) throw new SparkTrainException("data.path: no such file: " + path);
        } catch (IOException | IllegalArgumentException e) {
            throw new SparkTrainException("data.path: cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Numbers rows in data-set order, sends contiguous ranges to partitions, packs each. */
    private static JavaRDD<PackedBlock> pack(JavaRDD<LabeledRow> rows, int features, int parts, String what) {
        JavaPairRDD<Long, LabeledRow> indexed = Spark.call(what + ": reading", () -> rows.zipWithIndex().mapToPair(Tuple2::swap));
        long n = Spark.call(what + ": counting", indexed::count);
        JavaRDD<PackedBlock> blocks = indexed.partitionBy(new RangePartitioner(parts, n)).mapPartitionsWithIndex((p, it) -> {
            List<Tuple2<Long, LabeledRow>> list = new ArrayList<>();
            it.forEachRemaining(list::add);
            list.sort((a, b) -> Long.compare(a._1(), b._1()));
            double[] x = new double[list.size() * features];
            double[] y = new double[list.size()];
            for (int i = 0; i < list.size(); i++) {
                System.arraycopy(list.get(i)._2().x(), 0, x, i * features, features);
                y[i] = list.get(i)._2().y();
            }
            long first = list.isEmpty() ? RangePartitioner.start(p, parts, n) : list.get(0)._1();
            return List.of(new PackedBlock(first, list.size(), features, 1, x, y)).iterator();
        }, true);
        return cache(blocks, what);
    }

    private static JavaRDD<PackedBlock> cache(JavaRDD<PackedBlock> blocks, String what) {
        blocks.persist(StorageLevel.MEMORY_ONLY());
        Spark.call("caching " + what, blocks::count);
        return blocks;
    }

    public static long rows(JavaRDD<PackedBlock> blocks) {
        return Spark.call("counting rows", () -> blocks.map(b -> (long) b.rows()).fold(0L, Long::sum));
    }

    public static long bytes(JavaRDD<PackedBlock> blocks) {
        return Spark.call("measuring blocks", () -> blocks.map(PackedBlock::bytes).fold(0L, Long::sum));
    }

    /** Mean and std of every feature over the training blocks, in one distributed pass. */
    private static Standardizer fit(JavaRDD<PackedBlock> train, int d, long n) {
        double[] m = Spark.call("feature statistics", () -> train.map(b -> {
            double[] acc = new double[2 * d];
            double[] x = b.x();
            for (int i = 0; i < x.length; i++) {
                acc[i % d] += x[i];
                acc[d + i % d] += x[i] * x[i];
            }
            return acc;
        }).collect().stream().reduce((a, b) -> { // partition order: reduce() would add in task-completion order
            for (int i = 0; i < a.length; i++) a[i] += b[i];
            return a;
        }).orElseThrow());
        return Standardizer.fromMoments(java.util.Arrays.copyOf(m, d), java.util.Arrays.copyOfRange(m, d, 2 * d), n);
    }

    private static JavaRDD<PackedBlock> scaled(JavaRDD<PackedBlock> blocks, Standardizer st, String what) {
        JavaRDD<PackedBlock> out = blocks.map(b -> {
            double[] x = b.x().clone();
            st.apply(x);
            return new PackedBlock(b.firstRow(), b.rows(), b.features(), b.targetWidth(), x, b.y());
        });
        cache(out, what);
        blocks.unpersist(false);
        return out;
    }

    /** Partition p holds global rows [start(p), start(p+1)). */
    static final class RangePartitioner extends Partitioner {
        private final int parts;
        private final long n;

        RangePartitioner(int parts, long n) {
            this.parts = parts;
            this.n = Math.max(1, n);
        }

        static long start(int p, int parts, long n) {
            return Math.max(1, n) * p / parts;
        }

        @Override
        public int numPartitions() {
            return parts;
        }

        @Override
        public int getPartition(Object key) {
            long i = (Long) key;
            int p = (int) (i * parts / n);
            while (p + 1 < parts && start(p + 1, parts, n) <= i) p++;
            while (p > 0 && start(p, parts, n) > i) p--;
            return p;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof RangePartitioner r && r.parts == parts && r.n == n;
        }

        @Override
        public int hashCode() {
            return Long.hashCode(n) * 31 + parts;
        }
    }
}
