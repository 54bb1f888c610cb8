package dev.sparktrain.spark.load.source;

import dev.sparktrain.data.DataSettings;
import dev.sparktrain.data.Labels;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.SparkTrainException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rows of a Spark SQL {@code Dataset<Row>}: one handed over from Java, or read from files by
 * {@link SqlFormatSource} and {@link LibSvmSource}. Label and feature columns are resolved by
 * {@link RowLayout}. Rows read from files carry their file split (Spark's {@code _metadata}), so
 * the data-set order does not depend on how Spark split the files.
 */
public final class DatasetSource implements DataSource {
    private static final String FILE_COL = "__sparktrain_file";
    private static final String START_COL = "__sparktrain_start";
    private static final Pattern LIBSVM_INDEX = Pattern.compile("Index (\\d+) out of bounds for vector of size (\\d+)");

    private final Dataset<Row> df;
    private final String name;
    private final boolean files;
    private final RowLayout layout;

    private DatasetSource(Dataset<Row> df, String name, boolean files, DataSettings s) {
        this.df = df;
        this.name = name;
        this.files = files;
        this.layout = RowLayout.resolve(df.schema(), s, name);
    }

    /** A Dataset from Java, columns as in the job file's keys; {@code name} is how messages call it. */
    public static DatasetSource of(Dataset<Row> df, String name, DataSettings s) {
        return new DatasetSource(df, name, false, s);
    }

    /**
     * A Dataset read from {@code in}'s files by {@code reader}, named "path (format)". A reader's
     * failure (Spark's schema inference throws checked SparkExceptions, undeclared from Scala)
     * becomes one line naming the setting.
     */
    static DatasetSource read(DataFiles in, String format, DataSettings s, Supplier<Dataset<Row>> reader) {
        String name = in.path() + " (" + format + ")";
        try {
            return new DatasetSource(reader.get(), name, true, s);
        } catch (SparkTrainException e) {
            throw e;
        } catch (Exception e) {
            throw new SparkTrainException(in.key() + ": cannot read " + name + ": " + firstLine(e.getMessage()), e);
        }
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
    public JavaRDD<StagedPartition> stage(Labels labels, BlockLayout blockLayout) {
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
            if (rl.weighted()) b.weighted();
            RowAssembler a = new RowAssembler(rl.features, blockLayout.storage());
            RunTracker runs = new RunTracker(p);
            while (true) {
                Row r;
                try {
                    if (!it.hasNext()) break;
                    r = it.next();
                } catch (SparkTrainException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new SparkTrainException(src + ": " + runs.place() + ": " + readerError(e, rl.features), e);
                }
                if (fileCol >= 0) runs.fileRow(r.getString(fileCol), r.getLong(startCol));
                else runs.memoryRow();
                double y = rl.read(r, a, labels, runs::row);
                if (rl.weighted()) b.weight(rl.weight(r, runs::row));
                a.addTo(b, y);
                runs.added();
            }
            return List.of(new StagedPartition(b.build(0), runs.finish())).iterator();
        }, true);
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
}
