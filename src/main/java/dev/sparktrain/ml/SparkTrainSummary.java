package dev.sparktrain.ml;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model's training summary, as MLlib's models have one: the per-epoch history (the rows of the
 * job's metrics files and of model.json's history), saved with the model, so a loaded model
 * has it too.
 */
public final class SparkTrainSummary implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The history's columns; accuracies are null for a regressor, val_rmse for a classifier, val_* without validation. */
    public static final StructType SCHEMA = new StructType()
            .add("epoch", DataTypes.IntegerType, false)
            .add("step", DataTypes.LongType, false)
            .add("train_loss", DataTypes.DoubleType, true)
            .add("train_accuracy", DataTypes.DoubleType, true)
            .add("val_loss", DataTypes.DoubleType, true)
            .add("val_accuracy", DataTypes.DoubleType, true)
            .add("val_rmse", DataTypes.DoubleType, true)
            .add("lr", DataTypes.DoubleType, true)
            .add("lr_groups", DataTypes.createArrayType(DataTypes.DoubleType, false), true)
            .add("grad_norm", DataTypes.DoubleType, true)
            .add("seconds", DataTypes.DoubleType, true)
            .add("rows_per_second", DataTypes.DoubleType, true);

    private final List<Map<String, Object>> rows;

    SparkTrainSummary(List<Map<String, Object>> rows) {
        this.rows = List.copyOf(rows);
    }

    /** One row per epoch trained (a resumed fit's earlier epochs included), in the active SparkSession. */
    public Dataset<Row> history() {
        List<Row> out = new ArrayList<>();
        for (Map<String, Object> r : rows) {
            List<?> lrs = r.get("lr") instanceof List<?> l ? l : List.of();
            Object[] v = new Object[SCHEMA.length()];
            for (int i = 0; i < v.length; i++) {
                String name = SCHEMA.fields()[i].name();
                v[i] = switch (name) {
                    case "epoch" -> ((Number) r.get(name)).intValue();
                    case "step" -> ((Number) r.get(name)).longValue();
                    case "lr" -> lrs.isEmpty() ? null : ((Number) lrs.get(0)).doubleValue();
                    case "lr_groups" -> lrs.stream().map(x -> ((Number) x).doubleValue()).toArray();
                    default -> r.get(name) instanceof Number n ? n.doubleValue() : null;
                };
            }
            out.add(RowFactory.create(v));
        }
        return SparkSession.active().createDataFrame(out, SCHEMA);
    }

    /** The training loss of every epoch (MLlib's name for it). */
    public double[] objectiveHistory() {
        return rows.stream().mapToDouble(r -> r.get("train_loss") instanceof Number n ? n.doubleValue() : Double.NaN).toArray();
    }

    /** Epochs trained. */
    public int totalIterations() {
        return rows.size();
    }
}
