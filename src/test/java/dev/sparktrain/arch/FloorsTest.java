package dev.sparktrain.arch;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The floors of docs/ARCHITECTURE.md, checked on the main sources: a package uses only packages
 * of its own floor or the floors below (by import or by fully qualified name), the floors below
 * the Spark layer use no Spark or Scala, and the pure-math floor no Hadoop either.
 */
class FloorsTest {
    private static final Path MAIN = Path.of(System.getProperty("project.basedir", "."), "src/main/java");
    private static final String ROOT = "dev.sparktrain";

    /** Floor of each package (subpackages included), lowest first. */
    private static final List<List<String>> FLOORS = List.of(
            List.of("", "config", "nn", "optim"),   // pure math
            List.of("data"),                          // packed blocks, layouts, epoch order
            List.of("train"),                         // the driver loop and one partition's work, plain Java
            List.of("store", "report"),               // checkpoints, model files, metrics, reports: Hadoop FS
            List.of("spark"),                         // backend, tasks, loaders, evaluation jobs
            List.of("plan"),                          // the typed job plan
            List.of("cli", "ml"));                    // front ends
    private static final int SPARK_FLOOR = 4;
    /** Same-floor pairs that must not meet: the front ends, and the model beside the optimizers. */
    private static final Map<String, String> APART = Map.of("cli", "ml", "ml", "cli", "nn", "optim", "optim", "nn");

    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern OURS = Pattern.compile("\\bdev\\.sparktrain((?:\\.[a-z]\\w*)*)\\.[A-Z]");
    private static final Pattern FOREIGN = Pattern.compile("^import (?:static )?((?:org\\.apache\\.(?:spark|hadoop))|scala)\\.",
            Pattern.MULTILINE);

    @Test
    void everyPackageUsesOnlyItsFloorAndTheFloorsBelow() throws IOException {
        List<String> wrong = new ArrayList<>();
        for (Path f : sources()) {
            String text = Files.readString(f);
            String pkg = relative(packageOf(text));
            int floor = floor(pkg, f);
            Matcher m = OURS.matcher(withoutComments(text));
            while (m.find()) {
                String used = relative(ROOT + m.group(1));
                int usedFloor = floor(used, f);
                if (usedFloor > floor || top(used).equals(APART.get(top(pkg)))) {
                    wrong.add(MAIN.relativize(f) + " (" + show(pkg) + ", floor " + floor + ") uses " + show(used)
                            + " (floor " + usedFloor + ")");
                }
            }
            Matcher foreign = FOREIGN.matcher(text);
            while (foreign.find()) {
                boolean spark = !foreign.group(1).equals("org.apache.hadoop");
                if (spark ? floor < SPARK_FLOOR : floor == 0) {
                    wrong.add(MAIN.relativize(f) + " (floor " + floor + ") imports " + foreign.group(1));
                }
            }
        }
        assertEquals(List.of(), wrong.stream().distinct().toList());
    }

    @Test
    void noMainSourceFileIsLong() throws IOException {
        List<String> long_ = new ArrayList<>();
        for (Path f : sources()) {
            long lines = Files.lines(f).count();
            if (lines > 450) long_.add(MAIN.relativize(f) + ": " + lines + " lines");
        }
        assertEquals(List.of(), long_, "split files over 450 lines");
    }

    @Test
    void theScanSeesEveryFloor() throws IOException {
        List<Path> files = sources();
        for (List<String> floor : FLOORS) {
            for (String pkg : floor) {
                if (pkg.isEmpty()) continue;
                assertTrue(files.stream().anyMatch(f -> MAIN.relativize(f).toString().startsWith("dev/sparktrain/" + pkg + "/")),
                        "no sources in " + pkg + ": the floor list is stale");
            }
        }
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> s = Files.walk(MAIN)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static String packageOf(String text) {
        Matcher m = PACKAGE.matcher(text);
        if (!m.find()) throw new AssertionError("no package line");
        return m.group(1);
    }

    private static String relative(String pkg) {
        return pkg.equals(ROOT) ? "" : pkg.substring(ROOT.length() + 1);
    }

    private static String top(String pkg) {
        int dot = pkg.indexOf('.');
        return dot < 0 ? pkg : pkg.substring(0, dot);
    }

    private static String show(String pkg) {
        return pkg.isEmpty() ? ROOT : pkg;
    }

    private static int floor(String pkg, Path file) {
        for (int i = 0; i < FLOORS.size(); i++) if (FLOORS.get(i).contains(top(pkg))) return i;
        throw new AssertionError(MAIN.relativize(file) + ": package " + show(pkg) + " is on no floor; add it to FLOORS and to "
                + "docs/ARCHITECTURE.md");
    }

    private static String withoutComments(String text) {
        return text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
    }
}
