package dev.sparktrain.spark.load;

import dev.sparktrain.data.DataSettings;
import dev.sparktrain.data.EpochOrder;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.RowGroups;
import dev.sparktrain.spark.Spark;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/** Cached RDDs of {@link PackedBlock}s: one block per partition, contiguous row ranges. */
public final class Blocks {
    private Blocks() {
    }

    /** Splits in-memory rows into {@code partitions} contiguous blocks of equal size (tests, Java API). */
    public static JavaRDD<PackedBlock> fromArrays(JavaSparkContext jsc, double[] x, double[] y, int features,
                                                  int targetWidth, int partitions) {
        return fromArrays(jsc, x, y, null, features, targetWidth, partitions);
    }

    /** {@link #fromArrays(JavaSparkContext, double[], double[], int, int, int)} with per-row sample weights (null: none). */
    public static JavaRDD<PackedBlock> fromArrays(JavaSparkContext jsc, double[] x, double[] y, double[] w, int features,
                                                  int targetWidth, int partitions) {
        int n = y.length / targetWidth;
        int[] sizes = new int[partitions];
        for (int p = 0; p < partitions; p++) {
            sizes[p] = (int) ((long) n * (p + 1) / partitions - (long) n * p / partitions);
        }
        return fromArrays(jsc, x, y, w, features, targetWidth, sizes);
    }

    /**
     * Splits in-memory rows into one contiguous block per entry of {@code sizes} (rows per
     * partition, in order; zeros make empty partitions).
     */
    public static JavaRDD<PackedBlock> fromArrays(JavaSparkContext jsc, double[] x, double[] y, int features,
                                                  int targetWidth, int[] sizes) {
        return fromArrays(jsc, x, y, null, features, targetWidth, sizes);
    }

    /** {@link #fromArrays(JavaSparkContext, double[], double[], int, int, int[])} with per-row sample weights (null: none). */
    public static JavaRDD<PackedBlock> fromArrays(JavaSparkContext jsc, double[] x, double[] y, double[] w, int features,
                                                  int targetWidth, int[] sizes) {
        int n = y.length / targetWidth;
        if (Arrays.stream(sizes).asLongStream().sum() != n) {
            throw new IllegalArgumentException("partition sizes " + Arrays.toString(sizes) + " do not add up to " + n + " rows");
        }
        List<PackedBlock> blocks = new ArrayList<>();
        int lo = 0;
        for (int size : sizes) {
            int hi = lo + size;
            double[] bx = Arrays.copyOfRange(x, lo * features, hi * features);
            double[] by = Arrays.copyOfRange(y, lo * targetWidth, hi * targetWidth);
            double[] bw = w == null ? null : Arrays.copyOfRange(w, lo, hi);
            blocks.add(PackedBlock.dense(lo, hi - lo, features, targetWidth, bx, by).withWeights(bw));
            lo = hi;
        }
        return fromBlocks(jsc, blocks);
    }

    /**
     * Blocks made in Java, one per partition, in row order (contiguous {@code firstRow} ranges).
     * Not {@code jsc.parallelize(blocks)}: a ParallelCollectionRDD's partitions carry their data,
     * so every task of every step shipped its whole block again, cached or not (a step over 200k
     * rows took 29x the Spark floor in {@code ./bench.sh}). Each block goes out once as a
     * broadcast and the partitions carry only its handle; once cached, the executors' broadcast
     * copies are dropped (a lost block is fetched again from the driver and recomputed).
     */
    public static JavaRDD<PackedBlock> fromBlocks(JavaSparkContext jsc, List<PackedBlock> blocks) {
        List<Broadcast<PackedBlock>> handles = new ArrayList<>();
        for (PackedBlock b : blocks) handles.add(jsc.broadcast(b));
        List<Integer> ids = IntStream.range(0, blocks.size()).boxed().toList();
        JavaRDD<PackedBlock> rdd = cache(jsc.parallelize(ids, blocks.size()).map(i -> handles.get(i).value()),
                "training blocks");
        for (Broadcast<PackedBlock> h : handles) h.unpersist(false);
        return rdd;
    }

    /** Reads a CSV file (any Hadoop path, .gz too), validates every row, splits and packs it. */
    public static LoadedData loadCsv(JavaSparkContext jsc, DataSettings s) {
        return DataLoader.load(jsc, s);
    }

    /** A uniform number in [0,1) from (seed, row): decides validation membership per row. */
    static double unitHash(long seed, long row) {
        return (EpochOrder.mix(seed * 0x2545F4914F6CDD1DL + row) >>> 11) * 0x1.0p-53;
    }

    /**
     * The blocks as partitions of whole {@code groups} (re-cut and cached when they are not; the
     * caller then owns and unpersists the result), the same number of partitions.
     */
    public static JavaRDD<PackedBlock> aligned(JavaSparkContext jsc, JavaRDD<PackedBlock> blocks, RowGroups groups, String what) {
        return Spark.call("aligning the " + what + " to row groups", () -> Packer.align(blocks, groups, what));
    }

    /** Whether every block holds whole {@code groups}. */
    public static boolean isAligned(JavaRDD<PackedBlock> blocks, RowGroups groups) {
        return Spark.call("checking block ranges", () -> blocks.map(b -> b.rows() == 0 || groups.aligned(b.firstRow(), b.rows()))
                .fold(true, Boolean::logicalAnd));
    }

    static JavaRDD<PackedBlock> cache(JavaRDD<PackedBlock> blocks, String what) {
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

    /** What Spark's block manager reports for cached blocks (its size estimate), else our count. */
    static long cachedBytes(JavaSparkContext jsc, JavaRDD<PackedBlock> blocks) {
        for (RDDInfo info : jsc.sc().getRDDStorageInfo()) {
            if (info.id() == blocks.id() && info.numCachedPartitions() == blocks.getNumPartitions()) {
                return info.memSize() + info.diskSize();
            }
        }
        return bytes(blocks);
    }

    static long nonZeros(JavaRDD<PackedBlock> blocks) {
        return Spark.call("counting non-zeros", () -> blocks.map(PackedBlock::nonZeros).fold(0L, Long::sum));
    }
}
