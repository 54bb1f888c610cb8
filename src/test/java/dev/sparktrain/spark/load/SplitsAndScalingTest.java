package dev.sparktrain.spark.load;

import dev.sparktrain.data.DataSettings;
import dev.sparktrain.data.Synthetic;
import dev.sparktrain.SparkTrainException;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Validation by fraction or by path, and standardization for dense and sparse sources. */
class SplitsAndScalingTest {
    static final int N = 400;
    static final int D = 5;
    static final Synthetic SPEC = new Synthetic(N, D, 2, 1.0, 13, 0.1);

    @TempDir
    Path dir;

    @Test
    void validationFractionIsASeededHashOfTheRowNumber() {
        String out = dir.resolve("p").toString();
        SyntheticWriter.write(SparkTestContext.get(), SPEC, 3, "parquet", "vector", out, false);
        LoadedData d = DataLoader.load(SparkTestContext.get(), DataSettings.builder(out, D).format(DataSettings.Format.PARQUET)
                .classes(2).validationFraction(0.25).seed(5).partitions(2).build());
        try {
            double[][] all = SPEC.denseRows(0, N);
            int nVal = 0;
            for (int r = 0; r < N; r++) if (Blocks.unitHash(5, r) < 0.25) nVal++;
            assertEquals(nVal, d.validationRows());
            assertEquals(N - nVal, d.trainRows());
            double[][] val = DataTestSupport.rows(d.validation());
            double[][] train = DataTestSupport.rows(d.train());
            int t = 0;
            int v = 0;
            for (int r = 0; r < N; r++) {
                double[][] into = Blocks.unitHash(5, r) < 0.25 ? val : train;
                int i = into == val ? v++ : t++;
                for (int j = 0; j < D; j++) assertEquals(all[0][r * D + j], into[0][i * D + j]);
            }
        } finally {
            DataTestSupport.release(d);
        }
    }

    @Test
    void validationPathWithTheTrainingLabelMapping() throws IOException {
        Path train = dir.resolve("train.csv");
        Path val = dir.resolve("val.csv");
        Files.writeString(train, "a,b,kind\n1,2,dog\n3,4,cat\n5,6,dog\n7,8,emu\n");
        Files.writeString(val, "a,b,kind\n0.5,1,emu\n2,2,cat\n");
        DataSettings s = DataSettings.builder(train.toString(), 2).header(true).labelColumn("kind").autoLabels().classes(3)
                .validationPath(val.toString()).partitions(2).build();
        LoadedData d = DataLoader.load(SparkTestContext.get(), s);
        try {
            assertEquals(List.of("cat", "dog", "emu"), d.labels().names());
            assertEquals(4, d.trainRows());
            assertEquals(2, d.validationRows());
            assertArrayEquals(new double[] {1, 0, 1, 2}, DataTestSupport.rows(d.train())[1]);
            double[][] v = DataTestSupport.rows(d.validation());
            assertArrayEquals(new double[] {2, 0}, v[1]);
            assertArrayEquals(new double[] {0.5, 1, 2, 2}, v[0]);
        } finally {
            DataTestSupport.release(d);
        }
        Files.writeString(val, "a,b,kind\n0.5,1,emu\n2,2,gnu\n");
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> DataLoader.load(SparkTestContext.get(), s));
        assertTrue(e.getMessage().startsWith(val + ":3: label 'gnu' is not one of the 3 classes (cat, dog, emu)"), e.getMessage());
    }

    @Test
    void denseStandardizationCentersAndScalesWithTrainingStatistics() {
        String out = dir.resolve("orc").toString();
        SyntheticWriter.write(SparkTestContext.get(), SPEC, 2, "orc", "columns", out, false);
        LoadedData d = DataLoader.load(SparkTestContext.get(), DataSettings.builder(out, D).format(DataSettings.Format.ORC)
                .classes(2).validationFraction(0.2).standardize(true).partitions(3).build());
        try {
            double[][] tr = DataTestSupport.rows(d.train());
            for (int j = 0; j < D; j++) {
                double m = 0;
                double q = 0;
                for (int r = 0; r < d.trainRows(); r++) {
                    m += tr[0][r * D + j];
                    q += tr[0][r * D + j] * tr[0][r * D + j];
                }
                m /= d.trainRows();
                assertEquals(0, m, 1e-12, "mean of feature " + j);
                assertEquals(1, q / d.trainRows() - m * m, 1e-9, "variance of feature " + j);
            }
            // Validation rows are scaled with the training statistics.
            double[][] raw = SPEC.denseRows(0, N);
            double[][] va = DataTestSupport.rows(d.validation());
            int v = 0;
            for (int r = 0; r < N; r++) {
                if (Blocks.unitHash(42, r) >= 0.2) continue;
                for (int j = 0; j < D; j++) {
                    double want = (raw[0][r * D + j] - d.standardizer().mean()[j]) / d.standardizer().std()[j];
                    assertEquals(want, va[0][v * D + j], 1e-12);
                }
                v++;
            }
            assertEquals(d.validationRows(), v);
        } finally {
            DataTestSupport.release(d);
        }
    }

    @Test
    void sparseStandardizationOnlyScalesAndKeepsTheNonZeros() {
        Synthetic sparse = new Synthetic(N, 200, 2, 0.05, 3, 0.1);
        String out = dir.resolve("svm").toString();
        SyntheticWriter.write(SparkTestContext.get(), sparse, 2, "libsvm", "vector", out, false);
        DataSettings.Builder b = DataSettings.builder(out, 200).format(DataSettings.Format.LIBSVM).classes(2).partitions(2);
        LoadedData plain = DataLoader.load(SparkTestContext.get(), b.build());
        LoadedData scaled = DataLoader.load(SparkTestContext.get(), b.standardize(true).build());
        try {
            assertEquals(plain.nonZeros(), scaled.nonZeros());
            assertArrayEquals(new double[200], scaled.standardizer().mean(), "sparse data is not centred");
            double[][] p = DataTestSupport.rows(plain.train());
            double[][] s = DataTestSupport.rows(scaled.train());
            double[] std = scaled.standardizer().std();
            for (int i = 0; i < p[0].length; i++) assertEquals(p[0][i] / std[i % 200], s[0][i], 1e-15);
            // std is the population std over every training row, zeros included.
            int j = 7;
            double m = 0;
            double q = 0;
            for (int r = 0; r < plain.trainRows(); r++) {
                m += p[0][r * 200 + j];
                q += p[0][r * 200 + j] * p[0][r * 200 + j];
            }
            m /= plain.trainRows();
            assertEquals(Math.sqrt(q / plain.trainRows() - m * m), std[j], 1e-12);
        } finally {
            DataTestSupport.release(plain);
            DataTestSupport.release(scaled);
        }
    }
}
