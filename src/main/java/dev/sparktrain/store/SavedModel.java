package dev.sparktrain.store;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.data.Standardizer;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import org.apache.hadoop.conf.Configuration;

import java.util.List;
import java.util.Map;

/**
 * A model saved by a training run, ready to score rows: its {@link ModelDescription}, the network
 * and loss built from it, the standardization fitted on its training rows, and the parameters.
 */
public record SavedModel(String dir, ModelDescription description, Sequential model, Loss loss, Standardizer standardizer,
                         double[] params) {

    public static SavedModel load(String dir, Configuration conf) {
        ModelIO.Saved s = ModelIO.load(dir, conf);
        String where = dir + "/model.json";
        ModelDescription d = ModelDescription.fromJson(s.description(), where);
        try {
            Sequential model = Sequential.parse(d.model(), where + " model").withPrecision(d.precision());
            if (model.paramCount() != s.params().length) {
                throw new SparkTrainException(where + ": model " + model.spec() + " has " + model.paramCount()
                        + " parameters, params.bin " + s.params().length);
            }
            Loss loss = Losses.create(d.loss(), new Options(where + " loss_options", d.lossOptions()), model.outFeatures());
            Standardizer st = null;
            if (d.standardize() != null) {
                st = new Standardizer(d.standardize().mean(), d.standardize().std());
                int f = model.inFeatures();
                if (st.mean().length != f || st.std().length != f) {
                    throw new SparkTrainException(where + ": standardize has " + st.mean().length + " means and "
                            + st.std().length + " stds for a model of " + f + " features");
                }
                for (int j = 0; j < f; j++) {
                    if (!Double.isFinite(st.mean()[j]) || !(st.std()[j] > 0) || !Double.isFinite(st.std()[j])) {
                        throw new SparkTrainException(where + ": standardize: feature " + j + " has mean " + st.mean()[j]
                                + " and std " + st.std()[j] + " (need finite values and std > 0)");
                    }
                }
            }
            return new SavedModel(dir, d, model, loss, st, s.params());
        } catch (ClassCastException | NullPointerException e) {
            throw new SparkTrainException(where + ": missing or mistyped field (" + e.getMessage() + ")", e);
        }
    }

    /** The class count saved with the model (0 for regression). */
    public int classes() {
        return description.classes();
    }

    /** The job that trained the model (its data.* keys say how to read data the same way); empty if not saved. */
    public Map<String, String> job() {
        return description.job() == null ? Map.of() : description.job();
    }

    /** One metrics row per epoch. */
    public List<Map<String, Object>> history() {
        return description.history();
    }

    /** Class names when labels were mapped, else null. */
    public List<String> labels() {
        return description.labels();
    }

    /** True when predictions are classes (CrossEntropyLoss, or BCEWithLogitsLoss with one output). */
    public boolean classifier() {
        return loss.task() == Loss.Task.BINARY || loss.task() == Loss.Task.MULTICLASS && model.outFeatures() > 1;
    }

    /** Number of classes predictions range over (2 for a single-logit BCE model). */
    public int classCount() {
        return model.outFeatures() == 1 ? 2 : model.outFeatures();
    }
}
