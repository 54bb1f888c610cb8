package dev.sparktrain.spark.load;

import dev.sparktrain.data.DataSettings;
import dev.sparktrain.data.DenseBlock;
import dev.sparktrain.data.PackedBlock;
import dev.sparktrain.data.Standardizer;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.train.SparkTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CSV loading through Spark: every bad row is refused with one line naming file and line. */
class CsvLoadingTest {
    private static final String DIGITS = Path.of(System.getProperty("project.basedir", "."), "data", "digits.csv.gz")
            .toString();

    @TempDir
    Path dir;

    private String csv(String name, String... lines) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, List.of(lines));
        return f.toString();
    }

    /** 3 features + label, classes 3; {@code bad} replaces line {@code badLine} (1-based). */
    private String small(int badLine, String bad) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 40; i++) lines.add(i + "," + (i * 0.5) + "," + (-i) + "," + (i % 3));
        if (badLine > 0) lines.set(badLine - 1, bad);
        return csv("small.csv", lines.toArray(String[]::new));
    }

    private static DataSettings settings(String path, boolean header, int features, int classes, double frac,
                                         int partitions, long seed, boolean standardize) {
        return new DataSettings(path, header, features, -1, classes, frac, partitions, seed, standardize);
    }

    private final List<LoadedData> loaded = new ArrayList<>();

    /** Loads through Spark; the cached blocks are released after the test. */
    private LoadedData load(DataSettings s) {
        LoadedData d = Blocks.loadCsv(SparkTestContext.get(), s);
        loaded.add(d);
        return d;
    }

    @AfterEach
    void releaseLoaded() {
        loaded.forEach(DataTestSupport::release);
    }

    private SparkTrainException refused(DataSettings s, String... parts) {
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> load(s));
        String m = e.getMessage();
        assertFalse(m.contains("\n") || m.contains("\r"), "message must be one line: " + m);
        assertFalse(m.contains("SparkException") || m.contains("Job aborted"), "Spark's wrapping leaked: " + m);
        for (String p : parts) assertTrue(m.contains(p), "message should contain '" + p + "': " + m);
        return e;
    }

    /** {@link #small} with line {@code badLine} replaced by {@code bad} is refused naming file and line. */
    private SparkTrainException smallRefused(int badLine, String bad, String... parts) throws IOException {
        String f = small(badLine, bad);
        String[] all = new String[parts.length + 1];
        all[0] = f + ":" + badLine;
        System.arraycopy(parts, 0, all, 1, parts.length);
        return refused(settings(f, false, 3, 3, 0.2, 2, 1, false), all);
    }

    @Test
    void wrongColumnCountNamesFileAndLine() throws IOException {
        smallRefused(27, "1,2,3", "expected 4 columns", "found 3");
        String g = small(40, "1,2,3,0,9");
        refused(settings(g, false, 3, 3, 0.0, 3, 1, false), g + ":40", "found 5");
    }

    @Test
    void labelOutsideClassesRefused() throws IOException {
        smallRefused(5, "1,2,3,3", "label 3", "0..2");
        smallRefused(12, "1,2,3,2.5", "label 2.5");
        smallRefused(1, "1,2,3,-1", "label -1");
    }

    @Test
    void labelTenWithTenClassesRefused() throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 30; i++) lines.add(i + "," + (i % 10));
        lines.set(19, "7,10");
        String f = csv("ten.csv", lines.toArray(String[]::new));
        refused(settings(f, false, 1, 10, 0.2, 2, 1, false), f + ":20", "label 10", "0..9");
    }

    @Test
    void nonFiniteFeatureRefused() throws IOException {
        smallRefused(8, "1,NaN,3,0", "column 2", "NaN", "finite");
        smallRefused(33, "1,2,Infinity,0", "column 3", "Infinity", "finite");
        smallRefused(2, "-Infinity,2,3,0", "column 1", "finite");
    }

    @Test
    void nonNumericCellRefused() throws IOException {
        smallRefused(17, "1,2,abc,0", "column 3", "'abc'", "expected a number");
        smallRefused(3, "1,,3,0", "column 2");
    }

    @Test
    void headerLineIsRefusedWithoutHeaderFlag() throws IOException {
        String f = csv("h.csv", "a,b,label", "1,2,0", "3,4,1", "5,6,0");
        refused(settings(f, false, 2, 2, 0.0, 1, 1, false), f + ":1", "column 1", "'a'");
    }

    @Test
    void missingPathNamed() {
        String missing = dir.resolve("no-such.csv").toString();
        refused(settings(missing, false, 3, 3, 0.2, 2, 1, false), missing, "no such file");
    }

    @Test
    void corruptGzipNamesFile() throws IOException {
        Path f = dir.resolve("broken.csv.gz");
        Files.write(f, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
        refused(settings(f.toString(), false, 3, 3, 0.2, 2, 1, false), f.toString());
    }

    @Test
    void headerSkipsFirstLine() throws IOException {
        String f = csv("h.csv", "a,b,label", "1,2,0", "3,4,1", "5,6,0", "", "7,8,1");
        LoadedData d = load(settings(f, true, 2, 2, 0.0, 2, 1, false));
        assertEquals(4, d.trainRows());
        assertEquals(0, d.validationRows());
        assertNull(d.validation());
        List<PackedBlock> blocks = DataTestSupport.blocks(d.train());
        double[] x = concat(blocks, true);
        double[] y = concat(blocks, false);
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, x);
        assertArrayEquals(new double[] {0, 1, 0, 1}, y);
        long next = 0;
        for (PackedBlock b : blocks) {
            assertEquals(next, b.firstRow(), "blocks are contiguous");
            next += b.rows();
        }
    }

    @Test
    void labelColumnFirst() throws IOException {
        String f = csv("lf.csv", "1,10,20", "0,30,40", "1,50,60");
        LoadedData d = load(new DataSettings(f, false, 2, 0, 2, 0.0, 1, 1, false));
        List<PackedBlock> blocks = DataTestSupport.blocks(d.train());
        assertArrayEquals(new double[] {10, 20, 30, 40, 50, 60}, concat(blocks, true));
        assertArrayEquals(new double[] {1, 0, 1}, concat(blocks, false));
    }

    @Test
    void validationSplitDeterministicAndIndependentOfPartitions() {
        LoadedData a = load(settings(DIGITS, false, 64, 10, 0.2, 1, 42, false));
        LoadedData b = load(settings(DIGITS, false, 64, 10, 0.2, 3, 42, false));
        LoadedData c = load(settings(DIGITS, false, 64, 10, 0.2, 3, 42, false));
        LoadedData other = load(settings(DIGITS, false, 64, 10, 0.2, 3, 7, false));
        assertEquals(1797, a.trainRows() + a.validationRows());
        assertTrue(a.validationRows() >= 300 && a.validationRows() <= 420, "validation rows " + a.validationRows());
        assertEquals(1, a.train().getNumPartitions());
        assertEquals(3, b.train().getNumPartitions());
        assertEquals(a.trainRows(), b.trainRows());
        assertEquals(a.validationRows(), b.validationRows());
        List<PackedBlock> at = DataTestSupport.blocks(a.train());
        List<PackedBlock> bt = DataTestSupport.blocks(b.train());
        assertArrayEquals(concat(at, true), concat(bt, true), "same training rows in the same order");
        assertArrayEquals(concat(at, false), concat(bt, false));
        assertArrayEquals(concat(DataTestSupport.blocks(a.validation()), true), concat(DataTestSupport.blocks(b.validation()), true));
        assertArrayEquals(concat(DataTestSupport.blocks(a.validation()), false), concat(DataTestSupport.blocks(b.validation()), false));
        assertArrayEquals(concat(bt, true), concat(DataTestSupport.blocks(c.train()), true), "same seed, same split");
        assertFalse(java.util.Arrays.equals(concat(bt, false), concat(DataTestSupport.blocks(other.train()), false)),
                "another seed gives another split");
        long next = 0;
        for (PackedBlock blk : bt) {
            assertEquals(next, blk.firstRow());
            assertTrue(blk.rows() > 0);
            next += blk.rows();
        }
        assertEquals(b.trainRows(), next);
    }

    @Test
    void noValidationWhenFractionZero() {
        LoadedData d = load(settings(DIGITS, false, 64, 10, 0.0, 2, 42, false));
        assertEquals(1797, d.trainRows());
        assertEquals(0, d.validationRows());
        assertNull(d.validation());
    }

    @Test
    void standardizeGivesZeroMeanUnitStd() {
        LoadedData raw = load(settings(DIGITS, false, 64, 10, 0.2, 2, 42, false));
        LoadedData st = load(settings(DIGITS, false, 64, 10, 0.2, 2, 42, true));
        assertNull(raw.standardizer());
        Standardizer s = st.standardizer();
        assertEquals(64, s.mean().length);
        double[] rx = concat(DataTestSupport.blocks(raw.train()), true);
        double[] sx = concat(DataTestSupport.blocks(st.train()), true);
        assertEquals(rx.length, sx.length);
        assertArrayEquals(concat(DataTestSupport.blocks(raw.train()), false), concat(DataTestSupport.blocks(st.train()), false),
                "labels untouched");
        int d = 64;
        int n = rx.length / d;
        int nonConstant = 0;
        for (int j = 0; j < d; j++) {
            double rawMin = Double.POSITIVE_INFINITY;
            double rawMax = Double.NEGATIVE_INFINITY;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                rawMin = Math.min(rawMin, rx[i * d + j]);
                rawMax = Math.max(rawMax, rx[i * d + j]);
                sum += sx[i * d + j];
            }
            double mean = sum / n;
            double ss = 0;
            for (int i = 0; i < n; i++) ss += (sx[i * d + j] - mean) * (sx[i * d + j] - mean);
            double std = Math.sqrt(ss / n);
            assertEquals(0, mean, 1e-9, "mean of column " + j);
            if (rawMax > rawMin) {
                nonConstant++;
                assertEquals(1, std, 1e-9, "std of column " + j);
            } else {
                assertEquals(0, std, 1e-12, "constant column " + j + " stays constant");
            }
        }
        assertTrue(nonConstant > 55, "non-constant columns: " + nonConstant);
        // validation uses the training statistics
        double[] rv = concat(DataTestSupport.blocks(raw.validation()), true);
        double[] sv = concat(DataTestSupport.blocks(st.validation()), true);
        for (int i = 0; i < rv.length; i++) {
            assertEquals((rv[i] - s.mean()[i % d]) / s.std()[i % d], sv[i], 1e-12);
        }
    }

    static double[] concat(List<PackedBlock> blocks, boolean x) {
        int len = 0;
        for (PackedBlock b : blocks) len += (x ? ((DenseBlock.Float64) b).x() : b.y()).length;
        double[] out = new double[len];
        int at = 0;
        for (PackedBlock b : blocks) {
            double[] a = x ? ((DenseBlock.Float64) b).x() : b.y();
            System.arraycopy(a, 0, out, at, a.length);
            at += a.length;
        }
        return out;
    }
}
