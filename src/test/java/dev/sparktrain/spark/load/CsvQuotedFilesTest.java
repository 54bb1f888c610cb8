package dev.sparktrain.spark.load;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.DataSettings;
import dev.sparktrain.train.SparkTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CSV files as spreadsheets and pandas write them (quotes, CRLF, a BOM) through Spark, and malformed ones. */
class CsvQuotedFilesTest {
    @TempDir
    Path dir;

    private final List<LoadedData> loaded = new ArrayList<>();

    @AfterEach
    void release() {
        loaded.forEach(DataTestSupport::release);
    }

    /** {@code lines} joined by {@code eol}, after {@code prefix} (e.g. a BOM). */
    private String file(String name, String prefix, String eol, String... lines) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, (prefix + String.join(eol, lines) + eol).getBytes(StandardCharsets.UTF_8));
        return f.toString();
    }

    private LoadedData load(DataSettings s) {
        LoadedData d = DataLoader.load(SparkTestContext.get(), s);
        loaded.add(d);
        return d;
    }

    private static DataSettings.Builder twoFeatures(String path) {
        return DataSettings.builder(path, 2).validationFraction(0).partitions(2).seed(1);
    }

    private String refused(DataSettings s) {
        String m = assertThrows(SparkTrainException.class, () -> load(s)).getMessage();
        assertFalse(m.contains("\n") || m.contains("\r"), "one line: " + m);
        assertFalse(m.contains("SparkException") || m.contains("TextParsingException"), "wrapping leaked: " + m);
        return m;
    }

    @Test
    void quotedHeaderAndNamesWithCommasCrlfAndBom() throws IOException {
        String f = file("sheet.csv", "\uFEFF", "\r\n",
                "\"width, cm\",\"height \"\"in\"\"\",kind",
                "1.5,\"2\",\"cat, small\"",
                "\"3\",4.25,dog",
                "",
                "-1, 0.5 ,\"cat, small\"");
        LoadedData d = load(twoFeatures(f).header(true).featureColumns(List.of("width, cm", "height \"in\""))
                .labelColumn("kind").autoLabels().classes(2).build());
        assertEquals(List.of("cat, small", "dog"), d.labels().names());
        double[][] rows = DataTestSupport.rows(d.train());
        assertArrayEquals(new double[] {1.5, 2, 3, 4.25, -1, 0.5}, rows[0]);
        assertArrayEquals(new double[] {0, 1, 0}, rows[1]);
    }

    @Test
    void crlfAndBomWithoutHeaderKeepLineNumbers() throws IOException {
        String f = file("crlf.csv", "\uFEFF", "\r\n", "1,2,0", "3,4,1", "5,6,1", "7,x,0");
        String m = refused(twoFeatures(f).classes(2).build());
        assertEquals(f + ":4: column 2 is 'x', expected a number", m);
    }

    @Test
    void unterminatedQuoteIsRefusedNamingItsLine() throws IOException {
        String f = file("open.csv", "", "\n", "1,2,0", "3,\"4,1", "5,6\",1", "7,8,0");
        String m = refused(twoFeatures(f).classes(2).build());
        assertTrue(m.startsWith(f + ":2: a quoted field is not closed on this line (a quoted field may not hold a line break)"), m);
    }

    @Test
    void wrongColumnCountCountsQuotedCommasOnce() throws IOException {
        String f = file("count.csv", "", "\n", "1,\"2\",0", "\"3,5\",4,1");
        assertEquals(f + ":2: column 1 is '3,5', expected a number", refused(twoFeatures(f).classes(2).build()));
        String g = file("count2.csv", "", "\n", "1,\"2\",0", "5,\"6,7\",8,1");
        assertEquals(g + ":2: expected 3 columns (2 features and a label), found 4", refused(twoFeatures(g).classes(2).build()));
    }

    @Test
    void junkAfterAClosingQuoteIsRefused() throws IOException {
        String f = file("junk.csv", "", "\n", "1,2,0", "3,\"4\"5,1");
        String m = refused(twoFeatures(f).classes(2).build());
        assertTrue(m.startsWith(f + ":2: column 2 is not valid CSV"), m);
    }
}
