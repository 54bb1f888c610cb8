package dev.sparktrain.spark.load.source;

import dev.sparktrain.data.DataSettings;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.mllib.regression.LabeledPoint;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/** MLlib {@code LabeledPoint}s from Java: a Dataset of columns {@code label} and {@code features}. */
public final class LabeledPointSource {
    private LabeledPointSource() {
    }

    public static DataSource of(JavaRDD<LabeledPoint> points, String name, DataSettings s) {
        SparkSession spark = SparkSession.builder().sparkContext(points.context()).getOrCreate();
        StructType schema = new StructType().add("label", DataTypes.DoubleType, false)
                .add("features", new VectorUDT(), false);
        Dataset<Row> df = spark.createDataFrame(points.map(p -> RowFactory.create(p.label(), p.features().asML())), schema);
        return DatasetSource.of(df, name, s.toBuilder().labelColumn("label").featureColumns(List.of("features")).build());
    }
}
