package dev.sparktrain.spark.load.source;

import dev.sparktrain.data.CsvLine;
import dev.sparktrain.data.CsvRowParser;
import dev.sparktrain.data.DataSettings;
import dev.sparktrain.data.Labels;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.spark.Spark;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

import java.util.List;

/**
 * {@code data.format = csv}: read line by line with {@code textFile} (any Hadoop path, .gz too),
 * so errors name the file and line; each line is split by univocity-parsers ({@link CsvLine}:
 * quoted fields, escaped quotes, a BOM; a quoted field may not span lines) and checked by
 * {@link CsvRowParser}. Each input partition is one run; the
 * global line numbers of {@code zipWithIndex} keep them in file order.
 */
final class CsvSource implements DataSource {
    private final JavaSparkContext jsc;
    private final String path;
    private final String files;
    private final DataSettings s;
    /** The header line (skipped wherever it appears), or null without a header. */
    private final String headerLine;
    private final CsvColumns columns;

    CsvSource(DataFiles in, DataSettings s) {
        this.jsc = in.jsc();
        this.path = in.path();
        this.files = String.join(",", in.files());
        this.s = s;
        this.headerLine = s.header() ? readHeader(jsc, in.files().get(0), path) : null;
        this.columns = CsvColumns.resolve(headerLine, path, s);
    }

    private static String readHeader(JavaSparkContext jsc, String firstFile, String path) {
        String header = Spark.call("reading the header of " + path, () -> {
            List<String> first = jsc.textFile(firstFile).take(1);
            return first.isEmpty() ? "" : CsvLine.withoutBom(first.get(0)).strip();
        });
        if (header.isEmpty()) throw new SparkTrainException("data.path: " + path + " is empty (no header line)");
        return header;
    }

    @Override
    public String name() {
        return path;
    }

    private CsvRowParser parser(Labels labels) {
        return new CsvRowParser(path, s.features(), columns.columns(), columns.labelColumn(), columns.featureColumns(), labels);
    }

    @Override
    public List<String> distinctLabels() {
        CsvRowParser parser = parser(Labels.indices(0));
        String header = headerLine;
        return jsc.textFile(files).zipWithIndex().filter(l -> !isHeaderOrBlank(l._1(), header))
                .map(l -> parser.labelText(l._1(), l._2() + 1)).distinct().collect();
    }

    @Override
    public JavaRDD<StagedPartition> stage(Labels labels, BlockLayout layout) {
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
                if (isHeaderOrBlank(line, header)) continue;
                t[0] = parser.parse(line, l._2() + 1, x);
                b.addDense(x, t);
            }
            StagedPartition.Run run = new StagedPartition.Run("", p, b.rows());
            return List.of(new StagedPartition(b.build(0), List.of(run))).iterator();
        }, true);
    }

    /** A blank line, or the header repeated (at the top of each part file, perhaps after a byte-order mark). */
    private static boolean isHeaderOrBlank(String line, String header) {
        return line.isBlank() || (header != null && CsvLine.withoutBom(line).strip().equals(header));
    }
}
