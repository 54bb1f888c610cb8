package dev.sparktrain.spark.load;

import dev.sparktrain.data.CsvRowParser;
import dev.sparktrain.data.DataSettings;
import dev.sparktrain.data.Labels;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.Standardizer;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.spark.Spark;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.regression.LabeledPoint;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.RDDInfo;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a data set from any Spark source into cached {@link PackedBlock}s, in three steps:
 * <ol>
 *   <li><b>Stage</b>: each input partition parses and validates its rows (errors name the source
 *       and the row) and packs them into one block, remembering which file split ("run") each
 *       row came from. Only this step reads the source.</li>
 *   <li><b>Number</b>: the driver sorts the runs by (file, byte offset) — the data-set order, the
 *       same however Spark split the files — and numbers rows 0..n-1 in that order. The
 *       validation rows are chosen by a seeded hash of that number; training rows are numbered
 *       again 0..n_train-1.</li>
 *   <li><b>Pack</b>: runs are cut into pieces at the target partitions' row ranges, pieces are
 *       sent (as packed arrays, never row objects) to their partition, and each partition
 *       concatenates its pieces into ONE block of contiguous global rows. Cached MEMORY_ONLY.</li>
 * </ol>
 * Optional standardization follows (one distributed pass for the statistics).
 */
public final class DataLoader {
    private static final String FILE_COL = "__sparktrain_file";
    private static final String START_COL = "__sparktrain_start";
    private static final Pattern LIBSVM_INDEX = Pattern.compile("Index (\\d+) out of bounds for vector of size (\\d+)");

    private DataLoader() {
    }

    /** Reads {@code s.path()} (and {@code s.validationPath()}) in {@code s.format()}. */
    public static LoadedData load(JavaSparkContext jsc, DataSettings s) {
        if (s.path() == null) throw new SparkTrainException("data.path: required");
        Source train = source(jsc, s, s.path(), "data.path");
        Source val = s.validationPath() == null ? null : source(jsc, s, s.validationPath(), "data.validation_path");
        return load(jsc, train, val, s);
    }

    /** From Java: rows of a DataFrame (columns as in the job file's keys), validation optional. */
    public static LoadedData load(Dataset<Row> train, Dataset<Row> validation, DataSettings s) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(train.sparkSession().sparkContext());
        Source t = new RowSource(train, "the training Dataset", false, s);
        Source v = validation == null ? null : new RowSource(validation, "the validation Dataset", false, s);
        return load(jsc, t, v, s);
    }

    /** From Java: MLlib {@code LabeledPoint}s (label, features vector), validation optional. */
    public static LoadedData loadLabeledPoints(JavaRDD<LabeledPoint> train, JavaRDD<LabeledPoint> validation, DataSettings s) {
        SparkSession spark = SparkSession.builder().sparkContext(train.context()).getOrCreate();
        StructType schema = new StructType().add("label", DataTypes.DoubleType, false)
                .add("features", new org.apache.spark.ml.linalg.VectorUDT(), false);
        DataSettings ls = s.toBuilder().labelColumn("label").featureColumns(List.of("features")).build();
        Dataset<Row> t = spark.createDataFrame(train.map(p -> RowFactory.create(p.label(), p.features().asML())), schema);
        Dataset<Row> v = validation == null ? null
                : spark.createDataFrame(validation.map(p -> RowFactory.create(p.label(), p.features().asML())), schema);
        return load(t, v, ls);
    }

    private static Source source(JavaSparkContext jsc, DataSettings s, String path, String key) {
        List<String> files = listFiles(jsc, path, key);
        if (s.format() == DataSettings.Format.CSV) return new CsvSource(jsc, files, path, s);
        SparkSession spark = SparkSession.builder().sparkContext(jsc.sc()).getOrCreate();
        String fmt = DataSettings.name(s.format());
        String name = path + " (" + fmt + ")";
        try {
            Dataset<Row> df;
            if (s.format() == DataSettings.Format.LIBSVM) {
                df = spark.read().format("libsvm").option("numFeatures", String.valueOf(s.features())).load(path);
                s = s.toBuilder().labelColumn("label").featureColumns(List.of("features")).build();
            } else {
                df = spark.read().format(fmt).load(path);
            }
            return new RowSource(df, name, true, s);
        } catch (SparkTrainException e) {
            throw e;
        } catch (Exception e) { // Spark's schema inference throws SparkException (checked, undeclared from Scala)
            throw new SparkTrainException(key + ": cannot read " + name + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** The data files under a path (a file, a directory or a glob), hidden ones skipped, sorted. */
    static List<String> listFiles(JavaSparkContext jsc, String path, String key) {
        try {
            Path p = new Path(path);
            FileSystem fs = p.getFileSystem(jsc.hadoopConfiguration());
            FileStatus[] matched = fs.globStatus(p);
            if (matched == null || matched.length == 0) throw new SparkTrainException(key + ": no such file: " + path);
            List<String> files = new ArrayList<>();
            for (FileStatus st : matched) {
                if (st.isDirectory()) {
                    for (FileStatus c : fs.listStatus(st.getPath())) {
                        String n = c.getPath().getName();
                        if (c.isFile() && !n.startsWith("_") && !n.startsWith(".")) files.add(c.getPath().toString());
                    }
                } else {
                    files.add(st.getPath().toString());
                }
            }
            if (files.isEmpty()) throw new SparkTrainException(key + ": no data files in " + path);
            files.sort(Comparator.naturalOrder());
            return files;
        } catch (IOException | IllegalArgumentException e) {
            throw new SparkTrainException(key + ": cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------ the steps

    private static LoadedData load(JavaSparkContext jsc, Source trainSrc, Source valSrc, DataSettings s) {
        Labels labels = switch (s.labelMode()) {
            case INDEX -> Labels.indices(s.classes());
            case NAMES -> Labels.named(s.labelNames());
            case AUTO -> Labels.sorted(Spark.call("finding the labels of " + trainSrc.name(), trainSrc::distinctLabels),
                    s.classes(), trainSrc.name());
        };
        int parts = s.partitions() > 0 ? s.partitions() : jsc.defaultParallelism();
        Layout layout = new Layout(s.features(), s.storage(), s.precision());
        Staging train = Staging.of(trainSrc, labels, layout);
        Staging val = valSrc == null ? null : Staging.of(valSrc, labels, layout);
        try {
            JavaRDD<PackedBlock> trainBlocks;
            JavaRDD<PackedBlock> valBlocks = null;
            long nTrain;
            long nVal = 0;
            double frac = valSrc == null ? s.validationFraction() : 0;
            if (frac > 0) {
                Plan plan = train.plan(s.seed(), frac);
                nTrain = plan.nTrain;
                nVal = plan.nVal;
                trainBlocks = train.pack(plan, false, parts, layout);
                valBlocks = train.pack(plan, true, parts, layout);
            } else {
                Plan plan = train.plan(s.seed(), 0);
                nTrain = plan.nTrain;
                trainBlocks = train.pack(plan, false, parts, layout);
                if (val != null) {
                    Plan vp = val.plan(s.seed(), 0);
                    nVal = vp.nTrain;
                    valBlocks = val.pack(vp, false, parts, layout);
                }
            }
            if (nTrain == 0) throw new SparkTrainException(trainSrc.name() + ": no training rows");
            Standardizer st = null;
            if (s.standardize()) {
                st = fit(trainBlocks, s.features(), nTrain, s.storage() == PackedBlock.Storage.SPARSE);
                trainBlocks = scaled(trainBlocks, st, "training blocks");
                valBlocks = valBlocks == null ? null : scaled(valBlocks, st, "validation blocks");
            }
            long bytes = cachedBytes(jsc, trainBlocks) + (valBlocks == null ? 0 : cachedBytes(jsc, valBlocks));
            long nz = s.storage() == PackedBlock.Storage.DENSE ? -1
                    : nonZeros(trainBlocks) + (valBlocks == null ? 0 : nonZeros(valBlocks));
            return new LoadedData(trainBlocks, valBlocks, nTrain, nVal, st, bytes, labels.names() == null ? null : labels,
                    layout.describe(), nz);
        } finally {
            train.release();
            if (val != null) val.release();
        }
    }

    /** Feature count, storage and precision every block of a load shares. */
    record Layout(int features, PackedBlock.Storage storage, PackedBlock.Precision precision) implements Serializable {
        PackedBlock.Builder builder(int expectedRows) {
            return new PackedBlock.Builder(features, 1, storage, precision, expectedRows);
        }

        String describe() {
            return storage.name().toLowerCase() + " " + precision.name().toLowerCase();
        }
    }

    /** One input partition's rows, packed, with the runs (file splits) they came from in order. */
    record Staged(PackedBlock block, String[] files, long[] starts, int[] runRows) implements Serializable {
    }

    /** A source that stages its partitions and can list its distinct labels. */
    interface Source {
        String name();

        List<String> distinctLabels();

        JavaRDD<Staged> stage(Labels labels, Layout layout);
    }

    /** Global numbering of the staged runs: where each run's rows go. */
    static final class Plan implements Serializable {
        /** [partition][run]: first global row (data-set order), first training / validation row number. */
        long[][] global;
        long[][] trainStart;
        long[][] valStart;
        long seed;
        double frac;
        long nTrain;
        long nVal;

        boolean isValidation(long globalRow) {
            return frac > 0 && Blocks.unitHash(seed, globalRow) < frac;
        }
    }

    /** The staged (persisted) partitions of one source. */
    private static final class Staging {
        final JavaRDD<Staged> staged;
        final String name;

        private Staging(JavaRDD<Staged> staged, String name) {
            this.staged = staged;
            this.name = name;
        }

        static Staging of(Source src, Labels labels, Layout layout) {
            JavaRDD<Staged> st = src.stage(labels, layout);
            st.persist(StorageLevel.MEMORY_AND_DISK());
            return new Staging(st, src.name());
        }

        void release() {
            staged.unpersist(false);
        }

        /** Reads the source (every row is parsed and validated here) and numbers the runs. */
        Plan plan(long seed, double frac) {
            // One job reads the whole source: every row is parsed and validated here.
            List<Object[]> keys = new ArrayList<>(Spark.call("reading " + name, () -> staged.mapPartitionsWithIndex((p, it) -> {
                List<Object[]> out = new ArrayList<>();
                while (it.hasNext()) {
                    Staged s = it.next();
                    for (int r = 0; r < s.files().length; r++) out.add(new Object[] {p, r, s.files()[r], s.starts()[r], s.runRows()[r]});
                }
                return out.iterator();
            }, true).collect()));
            int parts = staged.getNumPartitions();
            int[] runsPer = new int[parts];
            for (Object[] k : keys) runsPer[(Integer) k[0]] = Math.max(runsPer[(Integer) k[0]], (Integer) k[1] + 1);
            Plan plan = new Plan();
            plan.seed = seed;
            plan.frac = frac;
            plan.global = new long[parts][];
            plan.trainStart = new long[parts][];
            plan.valStart = new long[parts][];
            long[][] rows = new long[parts][];
            for (int p = 0; p < parts; p++) {
                plan.global[p] = new long[runsPer[p]];
                plan.trainStart[p] = new long[runsPer[p]];
                plan.valStart[p] = new long[runsPer[p]];
                rows[p] = new long[runsPer[p]];
            }
            for (Object[] k : keys) rows[(Integer) k[0]][(Integer) k[1]] = (Integer) k[4];
            // Data-set order: runs sorted by (file, byte offset); then by input partition and run.
            keys.sort(Comparator.<Object[], String>comparing(k -> (String) k[2]).thenComparingLong(k -> (Long) k[3])
                    .thenComparingInt(k -> (Integer) k[0]).thenComparingInt(k -> (Integer) k[1]));
            long g = 0;
            for (Object[] k : keys) {
                int p = (Integer) k[0];
                int r = (Integer) k[1];
                plan.global[p][r] = g;
                g += rows[p][r];
            }
            long[][] valCounts = new long[parts][];
            if (frac > 0) {
                List<long[]> counts = Spark.call("splitting off validation rows", () -> staged.mapPartitionsWithIndex((p, it) -> {
                    List<long[]> out = new ArrayList<>();
                    while (it.hasNext()) {
                        Staged s = it.next();
                        for (int r = 0; r < s.runRows().length; r++) {
                            long v = 0;
                            for (int i = 0; i < s.runRows()[r]; i++) if (plan.isValidation(plan.global[p][r] + i)) v++;
                            out.add(new long[] {p, r, v});
                        }
                    }
                    return out.iterator();
                }, true).collect());
                for (int p = 0; p < parts; p++) valCounts[p] = new long[runsPer[p]];
                for (long[] c : counts) valCounts[(int) c[0]][(int) c[1]] = c[2];
            }
            long t = 0;
            long v = 0;
            for (Object[] k : keys) {
                int p = (Integer) k[0];
                int r = (Integer) k[1];
                long vc = frac > 0 ? valCounts[p][r] : 0;
                plan.trainStart[p][r] = t;
                plan.valStart[p][r] = v;
                t += rows[p][r] - vc;
                v += vc;
            }
            plan.nTrain = t;
            plan.nVal = v;
            return plan;
        }

        /**
         * The training (or validation) rows in {@code parts} blocks of contiguous row numbers: runs
         * are cut into pieces at the partitions' ranges; each partition concatenates its pieces.
         */
        JavaRDD<PackedBlock> pack(Plan plan, boolean validation, int parts, Layout layout) {
            long n = validation ? plan.nVal : plan.nTrain;
            JavaPairRDD<Integer, PackedBlock> pieces = staged.mapPartitionsWithIndex((p, it) -> {
                List<Tuple2<Integer, PackedBlock>> out = new ArrayList<>();
                while (it.hasNext()) {
                    Staged s = it.next();
                    int local = 0;
                    int[] sel = new int[s.block().rows()];
                    for (int r = 0; r < s.runRows().length; r++) {
                        long next = validation ? plan.valStart[p][r] : plan.trainStart[p][r];
                        int count = 0;
                        int target = -1;
                        long first = next;
                        for (int i = 0; i < s.runRows()[r]; i++, local++) {
                            if (plan.isValidation(plan.global[p][r] + i) != validation) continue;
                            int tp = Blocks.RangePartitioner.partitionOf(next, parts, n);
                            if (tp != target && count > 0) {
                                out.add(new Tuple2<>(target, s.block().select(sel, count, first)));
                                count = 0;
                            }
                            if (count == 0) first = next;
                            target = tp;
                            sel[count++] = local;
                            next++;
                        }
                        if (count > 0) out.add(new Tuple2<>(target, s.block().select(sel, count, first)));
                    }
                }
                return out.iterator();
            }, true).mapToPair(t -> t);
            JavaRDD<PackedBlock> blocks = pieces.partitionBy(new IdPartitioner(parts)).mapPartitionsWithIndex((p, it) -> {
                List<PackedBlock> list = new ArrayList<>();
                it.forEachRemaining(t -> list.add(t._2()));
                list.sort(Comparator.comparingLong(PackedBlock::firstRow));
                long first = list.isEmpty() ? Blocks.RangePartitioner.start(p, parts, n) : list.get(0).firstRow();
                PackedBlock b = list.size() == 1 ? list.get(0)
                        : PackedBlock.concat(list, first, layout.features(), 1, layout.storage(), layout.precision());
                return List.of(b).iterator();
            }, true);
            return Blocks.cache(blocks, validation ? "validation blocks" : "training blocks");
        }
    }

    /** Key i goes to partition i. */
    static final class IdPartitioner extends Partitioner {
        private final int parts;

        IdPartitioner(int parts) {
            this.parts = parts;
        }

        @Override
        public int numPartitions() {
            return parts;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof IdPartitioner i && i.parts == parts;
        }

        @Override
        public int hashCode() {
            return parts;
        }
    }

    // ------------------------------------------------------------------------------ sources

    /** CSV read line by line (any Hadoop path, .gz too): errors name the file and line. */
    private static final class CsvSource implements Source {
        private final JavaSparkContext jsc;
        private final String path;
        private final String files;
        private final DataSettings s;
        private final String headerLine;
        private final int columns;
        private final int labelColumn;
        private final int[] featureColumns;

        CsvSource(JavaSparkContext jsc, List<String> fileList, String path, DataSettings s) {
            this.jsc = jsc;
            this.path = path;
            this.files = String.join(",", fileList);
            this.s = s;
            String[] names = null;
            if (s.header()) {
                headerLine = Spark.call("reading the header of " + path, () -> {
                    List<String> first = jsc.textFile(fileList.get(0)).take(1);
                    return first.isEmpty() ? "" : first.get(0).strip();
                });
                if (headerLine.isEmpty()) throw new SparkTrainException("data.path: " + path + " is empty (no header line)");
                names = headerLine.split(",", -1);
                for (int i = 0; i < names.length; i++) names[i] = unquote(names[i]);
            } else {
                headerLine = null;
            }
            String labelSpec = s.labelColumn() == null ? "last" : s.labelColumn();
            int label = labelSpec.equalsIgnoreCase("last") ? (names == null ? -1 : names.length - 1)
                    : column(names, labelSpec, "data.label_column");
            int[] cols = null;
            if (!s.featureColumns().isEmpty()) {
                cols = new int[s.featureColumns().size()];
                for (int i = 0; i < cols.length; i++) {
                    cols[i] = column(names, s.featureColumns().get(i), "data.feature_columns");
                    if (cols[i] == label) throw new SparkTrainException("data.feature_columns: column '" + s.featureColumns().get(i)
                            + "' of " + path + " is also the label column");
                }
                if (cols.length != s.features()) {
                    throw new SparkTrainException("data.feature_columns: lists " + cols.length + " columns but data.features is " + s.features());
                }
            } else if (names != null && names.length - 1 != s.features()) {
                throw new SparkTrainException(path + ": the header has " + names.length + " columns, so " + (names.length - 1)
                        + " features besides the label, but data.features is " + s.features());
            } else if (names == null && label >= 0 && label > s.features()) {
                throw new SparkTrainException("data.label_column: " + label + " is beyond the " + (s.features() + 1)
                        + " columns (" + s.features() + " features and a label)");
            }
            this.columns = names == null ? -1 : names.length;
            this.labelColumn = label;
            this.featureColumns = cols;
        }

        private int column(String[] names, String spec, String key) {
            if (names != null) {
                for (int i = 0; i < names.length; i++) if (names[i].equals(spec)) return i;
                for (int i = 0; i < names.length; i++) if (names[i].equalsIgnoreCase(spec)) return i;
            }
            if (spec.matches("\\d+")) {
                int i = Integer.parseInt(spec);
                if (names == null || i < names.length) return i;
            }
            if (names == null) {
                throw new SparkTrainException(key + ": '" + spec + "' is not a column index; column names need data.header = true");
            }
            throw new SparkTrainException(key + ": no column '" + spec + "' in " + path + "; its columns are " + String.join(", ", names));
        }

        private static String unquote(String s) {
            String t = s.strip();
            if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) t = t.substring(1, t.length() - 1);
            return t;
        }

        @Override
        public String name() {
            return path;
        }

        private CsvRowParser parser(Labels labels) {
            return new CsvRowParser(path, s.features(), columns, labelColumn, featureColumns, labels);
        }

        @Override
        public List<String> distinctLabels() {
            CsvRowParser parser = parser(Labels.indices(0));
            String header = headerLine;
            return jsc.textFile(files).filter(l -> !l.isBlank() && !l.strip().equals(header))
                    .map(parser::labelText).distinct().collect();
        }

        @Override
        public JavaRDD<Staged> stage(Labels labels, Layout layout) {
            CsvRowParser parser = parser(labels);
            String header = headerLine;
            int d = s.features();
            JavaPairRDD<String, Long> lines = Spark.call("reading " + path, () -> jsc.textFile(files).zipWithIndex());
            return lines.mapPartitionsWithIndex((p, it) -> {
                PackedBlock.Builder b = layout.builder(1024);
                double[] x = new double[d];
                double[] t = new double[1];
                while (it.hasNext()) {
                    Tuple2<String, Long> l = it.next();
                    String line = l._1();
                    if (line.isBlank() || (header != null && line.strip().equals(header))) continue;
                    t[0] = parser.parse(line, l._2() + 1, x);
                    b.addDense(x, t);
                }
                return List.of(new Staged(b.build(0), new String[] {""}, new long[] {p}, new int[] {b.rows()})).iterator();
            }, true);
        }
    }

    /** Any DataFrame: file sources (libsvm, parquet, orc, json) or one handed over from Java. */
    private static final class RowSource implements Source {
        private final Dataset<Row> df;
        private final String name;
        private final boolean files;
        private final RowLayout layout;

        RowSource(Dataset<Row> df, String name, boolean files, DataSettings s) {
            this.df = df;
            this.name = name;
            this.files = files;
            this.layout = RowLayout.resolve(df.schema(), s, name);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<String> distinctLabels() {
            String col = layout.labelName;
            List<Row> rows = df.select(functions.col("`" + col + "`")).distinct().collectAsList();
            List<String> out = new ArrayList<>();
            for (Row r : rows) {
                if (r.isNullAt(0)) throw new SparkTrainException(name + ": label column '" + col + "' has nulls");
                out.add(RowLayout.labelKey(r.get(0)));
            }
            return out;
        }

        @Override
        public JavaRDD<Staged> stage(Labels labels, Layout blockLayout) {
            RowLayout rl = layout;
            String src = name;
            Dataset<Row> in = files
                    ? df.select(functions.col("*"), functions.col("_metadata.file_path").as(FILE_COL),
                    functions.col("_metadata.file_block_start").as(START_COL))
                    : df;
            int fileCol = files ? in.schema().fieldIndex(FILE_COL) : -1;
            int startCol = files ? in.schema().fieldIndex(START_COL) : -1;
            return in.javaRDD().mapPartitionsWithIndex((p, it) -> {
                PackedBlock.Builder b = blockLayout.builder(1024);
                RowAssembler a = new RowAssembler(rl.features, blockLayout.storage());
                List<String> runFiles = new ArrayList<>();
                List<Long> runStarts = new ArrayList<>();
                List<Integer> runRows = new ArrayList<>();
                int[] inRun = {0};
                String[] file = {null};
                long[] start = {p};
                RowLayout.Where where = () -> file[0] == null
                        ? "input partition " + p + ", row " + (inRun[0] + 1)
                        : file[0] + (start[0] == 0 ? "" : " (split at byte " + start[0] + ")") + ", row " + (inRun[0] + 1);
                while (true) {
                    Row r;
                    try {
                        if (!it.hasNext()) break;
                        r = it.next();
                    } catch (SparkTrainException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        throw new SparkTrainException(src + ": " + (file[0] == null ? "input partition " + p : file[0])
                                + ": " + readerError(e, rl.features), e);
                    }
                    if (fileCol >= 0) {
                        String f = r.getString(fileCol);
                        long st = r.getLong(startCol);
                        if (!f.equals(file[0]) || st != start[0]) {
                            if (!runRows.isEmpty()) runRows.set(runRows.size() - 1, inRun[0]);
                            file[0] = f;
                            start[0] = st;
                            runFiles.add(f);
                            runStarts.add(st);
                            runRows.add(0);
                            inRun[0] = 0;
                        }
                    } else if (runRows.isEmpty()) {
                        runFiles.add("");
                        runStarts.add((long) p);
                        runRows.add(0);
                    }
                    double y = rl.read(r, a, labels, where);
                    a.addTo(b, y);
                    inRun[0]++;
                }
                if (!runRows.isEmpty()) runRows.set(runRows.size() - 1, inRun[0]);
                Staged s = new Staged(b.build(0), runFiles.toArray(new String[0]),
                        runStarts.stream().mapToLong(Long::longValue).toArray(),
                        runRows.stream().mapToInt(Integer::intValue).toArray());
                return List.of(s).iterator();
            }, true);
        }
    }

    /** A reader's failure in words: LibSVM's index check becomes the feature count it broke. */
    static String readerError(Throwable e, int features) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m == null) continue;
            Matcher x = LIBSVM_INDEX.matcher(m);
            if (x.find()) {
                long i = Long.parseLong(x.group(1)) + 1;
                return "feature index " + i + " (1-based, as written) is beyond data.features = " + x.group(2);
            }
            if (c.getCause() == c) break;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.getClass().getSimpleName() + ": " + firstLine(root.getMessage());
    }

    private static String firstLine(String m) {
        if (m == null) return "";
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    // ------------------------------------------------------------------------------ after packing

    /** Mean and std of every feature over the training blocks, in one distributed pass. */
    static Standardizer fit(JavaRDD<PackedBlock> train, int d, long n, boolean sparse) {
        double[] m = Spark.call("feature statistics", () -> train.map(b -> {
            double[] acc = new double[2 * d];
            double[] sum = new double[d];
            double[] sq = new double[d];
            b.addMoments(sum, sq);
            System.arraycopy(sum, 0, acc, 0, d);
            System.arraycopy(sq, 0, acc, d, d);
            return acc;
        }).collect().stream().reduce((a, b) -> { // partition order: reduce() would add in task-completion order
            for (int i = 0; i < a.length; i++) a[i] += b[i];
            return a;
        }).orElseThrow());
        Standardizer st = Standardizer.fromMoments(Arrays.copyOf(m, d), Arrays.copyOfRange(m, d, 2 * d), n);
        return sparse ? new Standardizer(new double[d], st.std()) : st;
    }

    static JavaRDD<PackedBlock> scaled(JavaRDD<PackedBlock> blocks, Standardizer st, String what) {
        JavaRDD<PackedBlock> out = Blocks.cache(blocks.map(b -> b.scaled(st)), what);
        blocks.unpersist(false);
        return out;
    }

    /** What Spark's block manager reports for a cached RDD (its size estimate), else our count. */
    static long cachedBytes(JavaSparkContext jsc, JavaRDD<PackedBlock> blocks) {
        for (RDDInfo info : jsc.sc().getRDDStorageInfo()) {
            if (info.id() == blocks.id() && info.numCachedPartitions() == blocks.getNumPartitions()) {
                return info.memSize() + info.diskSize();
            }
        }
        return Blocks.bytes(blocks);
    }

    static long nonZeros(JavaRDD<PackedBlock> blocks) {
        return Spark.call("counting non-zeros", () -> blocks.map(PackedBlock::nonZeros).fold(0L, Long::sum));
    }
}
