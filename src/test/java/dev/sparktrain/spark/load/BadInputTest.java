package dev.sparktrain.spark.load;

import dev.sparktrain.data.DataSettings;
import dev.sparktrain.SparkTrainException;
import dev.sparktrain.train.SparkTestContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input stops the load with ONE line naming the source (and row where there is one) and what
 * was found — also when it is found on an executor.
 */
class BadInputTest {
    @TempDir
    Path dir;

    private static String error(DataSettings s) {
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> DataLoader.load(SparkTestContext.get(), s));
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private String parquet(String name, List<Row> rows, StructType schema) {
        String out = dir.resolve(name).toString();
        SparkSession spark = SparkSession.builder().sparkContext(SparkTestContext.get().sc()).getOrCreate();
        Dataset<Row> df = spark.createDataFrame(rows, schema).coalesce(1);
        df.write().parquet(out);
        return out;
    }

    private static final StructType VECTOR = new StructType().add("label", DataTypes.DoubleType)
            .add("features", new org.apache.spark.ml.linalg.VectorUDT());

    @Test
    void wrongOrMissingColumnNames() throws IOException {
        String p = parquet("cols", List.of(RowFactory.create(1.0, Vectors.dense(1, 2, 3))), VECTOR);
        String m = error(DataSettings.builder(p, 3).format(DataSettings.Format.PARQUET).labelColumn("lable").classes(2).build());
        assertEquals("data.label_column: no column 'lable' in " + p + " (parquet); its columns are label, features", m);
        m = error(DataSettings.builder(p, 3).format(DataSettings.Format.PARQUET).featureColumns(List.of("feature")).classes(2).build());
        assertEquals("data.feature_columns: no column 'feature' in " + p + " (parquet); its columns are label, features", m);
        Path csv = dir.resolve("h.csv");
        Files.writeString(csv, "a,b,y\n1,2,0\n");
        m = error(DataSettings.builder(csv.toString(), 2).header(true).labelColumn("label").classes(2).build());
        assertEquals("data.label_column: no column 'label' in " + csv + "; its columns are a, b, y", m);
        m = error(DataSettings.builder(dir.resolve("nope.csv").toString(), 2).classes(2).build());
        assertEquals("data.path: no such file: " + dir.resolve("nope.csv"), m);
    }

    @Test
    void nonNumericValues() throws IOException {
        Path csv = dir.resolve("n.csv");
        Files.writeString(csv, "1,2,0\n3,x4,1\n");
        assertEquals(csv + ":2: column 2 is 'x4', expected a number", error(DataSettings.builder(csv.toString(), 2).classes(2).build()));
        StructType st = new StructType().add("label", DataTypes.DoubleType).add("a", DataTypes.DoubleType).add("b", DataTypes.StringType);
        String p = parquet("str", List.of(RowFactory.create(1.0, 2.0, "x")), st);
        assertEquals(p + " (parquet): feature column 'b' is string; features must be numbers or vectors (every column but the label "
                + "is a feature unless data.feature_columns lists them)", error(DataSettings.builder(p, 2).format(DataSettings.Format.PARQUET).classes(2).build()));
    }

    @Test
    void vectorOfTheWrongSize() {
        String p = parquet("size", List.of(RowFactory.create(1.0, Vectors.dense(1, 2, 3)), RowFactory.create(0.0, Vectors.dense(1, 2))), VECTOR);
        String m = error(DataSettings.builder(p, 3).format(DataSettings.Format.PARQUET).classes(2).build());
        assertTrue(m.startsWith(p + " (parquet): file:" + p + "/part-"), m);
        assertTrue(m.endsWith(", row 2: feature column 'features' is a vector of size 2, expected 3 (data.features = 3)"), m);
    }

    @Test
    void libsvmIndexBeyondTheDeclaredFeatureCount() throws IOException {
        Path svm = dir.resolve("x.libsvm");
        Files.writeString(svm, "1 1:0.5 3:1\n0 2:1 7:2.5\n");
        String m = error(DataSettings.builder(svm.toString(), 6).format(DataSettings.Format.LIBSVM).classes(2).build());
        assertTrue(m.startsWith(svm + " (libsvm): "), m);
        assertTrue(m.endsWith("feature index 7 (1-based, as written) is beyond data.features = 6"), m);
    }

    @Test
    void labelsThatAreNotClassIndices() throws IOException {
        String p = parquet("lab", List.of(RowFactory.create(1.0, Vectors.dense(1, 2)), RowFactory.create(3.0, Vectors.dense(1, 2))), VECTOR);
        String m = error(DataSettings.builder(p, 2).format(DataSettings.Format.PARQUET).classes(3).build());
        assertTrue(m.endsWith(", row 2: column 'label': label 3 is not a class index in 0..2 (map other labels with data.labels)"), m);
        Path csv = dir.resolve("l.csv");
        Files.writeString(csv, "1,2,0\n3,4,1.5\n");
        assertEquals(csv + ":2: label 1.5 is not a class index in 0..1 (map other labels with data.labels)",
                error(DataSettings.builder(csv.toString(), 2).classes(2).build()));
        Files.writeString(csv, "1,2,cat\n");
        assertEquals(csv + ":1: label 'cat' is not a number; map names to classes with data.labels = auto (or list them)",
                error(DataSettings.builder(csv.toString(), 2).classes(2).build()));
        StructType st = new StructType().add("label", DataTypes.StringType).add("features", new org.apache.spark.ml.linalg.VectorUDT());
        String s = parquet("strlab", List.of(RowFactory.create("cat", Vectors.dense(1, 2))), st);
        assertEquals(s + " (parquet): label column 'label' holds strings; map them to classes with data.labels = auto (sorted) "
                + "or data.labels = name1, name2, ...", error(DataSettings.builder(s, 2).format(DataSettings.Format.PARQUET).classes(2).build()));
        m = error(DataSettings.builder(s, 2).format(DataSettings.Format.PARQUET).autoLabels().classes(2).build());
        assertEquals(s + " (parquet): found 1 distinct labels (cat) but data.classes is 2", m);
    }

    @Test
    void nullsAndNonFiniteFeatures() {
        StructType st = new StructType().add("label", DataTypes.DoubleType).add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType);
        String p = parquet("nulls", List.of(RowFactory.create(1.0, 2.0, 3.0), RowFactory.create(0.0, null, 1.0),
                RowFactory.create(0.0, Double.NaN, 1.0)), st);
        String m = error(DataSettings.builder(p, 2).format(DataSettings.Format.PARQUET).classes(2).build());
        assertTrue(m.endsWith(", row 2: feature column 'a' is null"), m);
    }
}
