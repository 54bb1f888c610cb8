package dev.sparktrain.golden;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparktrain.config.Options;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/** Reads PyTorch golden cases (see src/test/resources/golden/README.md) and compares numbers. */
public final class Golden {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Golden() {
    }

    /** The folder the golden runners replay: {@code -Dgolden.dir=...} or the bundled copy. */
    public static Path dir() {
        String d = System.getProperty("golden.dir");
        if (d != null && !d.isBlank()) return Path.of(d);
        return bundled();
    }

    /** The cases copied into test resources; a test naming one case reads it here, whatever -Dgolden.dir says. */
    public static Path bundled() {
        return Path.of(System.getProperty("project.basedir", "."), "src", "test", "resources", "golden");
    }

    /** The extra cases from tools/golden/ ({@code -Dgolden.extra.dir=...} or the bundled copy). */
    public static Path extraDir() {
        String d = System.getProperty("golden.extra.dir");
        if (d != null && !d.isBlank()) return Path.of(d);
        return Path.of(System.getProperty("project.basedir", "."), "src", "test", "resources", "golden-extra");
    }

    /** Every case file in {@link #dir()}, sorted (index.json excluded). */
    public static List<Path> files() {
        File[] fs = dir().toFile().listFiles((f, n) -> n.endsWith(".json") && !n.equals("index.json"));
        if (fs == null || fs.length == 0) throw new IllegalStateException("no golden cases in " + dir());
        return Arrays.stream(fs).map(File::toPath).sorted().toList();
    }

    /** Every case file in {@code folder}, sorted (index.json excluded). */
    public static List<Path> files(Path folder) {
        File[] fs = folder.toFile().listFiles((f, n) -> n.endsWith(".json") && !n.equals("index.json"));
        if (fs == null || fs.length == 0) throw new IllegalStateException("no golden cases in " + folder);
        return Arrays.stream(fs).map(File::toPath).sorted().toList();
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> read(Path file) {
        try {
            return JSON.readValue(file.toFile(), Map.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bundled case {@code id} (never a -Dgolden.dir folder: other cases may not have it). */
    public static Map<String, Object> read(String id) {
        return read(bundled().resolve(id + ".json"));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    public static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    public static Options options(Object o, String source) {
        return new Options(source, o == null ? Map.of() : map(o));
    }

    public static double[] doubles(Object o) {
        List<Object> l = list(o);
        double[] d = new double[l.size()];
        for (int i = 0; i < d.length; i++) d[i] = num(l.get(i));
        return d;
    }

    public static double[][] matrix(Object o) {
        List<Object> l = list(o);
        double[][] m = new double[l.size()][];
        for (int i = 0; i < m.length; i++) m[i] = doubles(l.get(i));
        return m;
    }

    public static int[] ints(Object o) {
        List<Object> l = list(o);
        int[] d = new int[l.size()];
        for (int i = 0; i < d.length; i++) d[i] = ((Number) l.get(i)).intValue();
        return d;
    }

    /** A number, or the string "inf" JSON uses for the infinity norm. */
    public static double num(Object o) {
        if (o instanceof Number n) return n.doubleValue();
        if ("inf".equals(o)) return Double.POSITIVE_INFINITY;
        throw new IllegalArgumentException("not a number: " + o);
    }

    /** Sizes of a list of shapes ({@code [[3,4],[3]]} gives {@code [12, 3]}). */
    public static int[] shapeSizes(Object shapes) {
        List<Object> l = list(shapes);
        int[] sizes = new int[l.size()];
        for (int i = 0; i < sizes.length; i++) {
            int n = 1;
            for (int s : ints(l.get(i))) n *= s;
            sizes[i] = n;
        }
        return sizes;
    }

    public static boolean close(double expected, double actual, double rtol, double atol) {
        return Math.abs(actual - expected) <= rtol * Math.max(Math.abs(actual), Math.abs(expected)) + atol;
    }

    public static void assertClose(double expected, double actual, double rtol, double atol, String what) {
        if (!close(expected, actual, rtol, atol)) fail(what + ": expected " + expected + " but got " + actual);
    }

    public static void assertClose(double[] expected, double[] actual, double rtol, double atol, String what) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values, got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            if (!close(expected[i], actual[i], rtol, atol)) {
                fail(what + "[" + i + "]: expected " + expected[i] + " but got " + actual[i]);
            }
        }
    }
}
