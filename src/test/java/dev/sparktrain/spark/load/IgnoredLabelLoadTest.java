package dev.sparktrain.spark.load;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.data.DataSettings;
import dev.sparktrain.train.SparkTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Labels equal to the loss's ignore_index: read as that target when the loss is told to ignore
 * it, never a class (data.labels = auto does not count it); refused with the file and line
 * otherwise, as any label outside the classes.
 */
class IgnoredLabelLoadTest {
    @TempDir
    Path dir;

    private static double[] targets(DataSettings s) {
        LoadedData d = DataLoader.load(SparkTestContext.get(), s);
        try {
            return d.train().collect().stream().sorted((a, b) -> Long.compare(a.firstRow(), b.firstRow()))
                    .flatMapToDouble(b -> java.util.Arrays.stream(b.y())).toArray();
        } finally {
            d.train().unpersist(false);
        }
    }

    private static String refused(DataSettings s) {
        return assertThrows(SparkTrainException.class, () -> DataLoader.load(SparkTestContext.get(), s)).getMessage();
    }

    @Test
    void indexLabels() throws IOException {
        Path csv = dir.resolve("i.csv");
        Files.writeString(csv, "1,2,0\n3,4,-100\n5,6,2\n7,8,1\n");
        DataSettings.Builder b = DataSettings.builder(csv.toString(), 2).classes(3).partitions(2);
        assertArrayEquals(new double[] {0, -100, 2, 1}, targets(b.ignoredLabel(-100).build()), 0.0);
        assertEquals(csv + ":2: label -100 is not a class index in 0..2 (map other labels with data.labels)",
                refused(b.ignoredLabel(null).build()));
        assertEquals(csv + ":2: label -100 is not a class index in 0..2 nor the loss's ignore_index -1 (map other labels "
                + "with data.labels)", refused(b.ignoredLabel(-1).build()));
        // an ignore_index inside 0..k-1 is a class index as well: read as it is
        assertArrayEquals(new double[] {0, 1}, targets(DataSettings.builder(csvOf("j.csv", "1,2,0\n3,4,1\n"), 2).classes(2)
                .ignoredLabel(1).build()), 0.0);
    }

    @Test
    void namedAndAutoLabels() throws IOException {
        String csv = csvOf("n.csv", "1,2,cat\n3,4,-1\n5,6,dog\n7,8,cat\n");
        assertArrayEquals(new double[] {0, -1, 1, 0}, targets(DataSettings.builder(csv, 2).labelNames(List.of("cat", "dog"))
                .ignoredLabel(-1).build()), 0.0);
        // auto: the distinct labels without the ignored one are the classes
        assertArrayEquals(new double[] {0, -1, 1, 0}, targets(DataSettings.builder(csv, 2).autoLabels().classes(2)
                .ignoredLabel(-1).build()), 0.0);
        assertEquals(csv + ": found 3 distinct labels (-1, cat, dog) but data.classes is 2",
                refused(DataSettings.builder(csv, 2).autoLabels().classes(2).build()));
        assertEquals(csv + ":2: label '-1' is not one of the 2 classes (cat, dog)",
                refused(DataSettings.builder(csv, 2).labelNames(List.of("cat", "dog")).build()));
    }

    private String csvOf(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p.toString();
    }
}
