package dev.sparktrain.store;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.data.Standardizer;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.store.ModelIO;
import org.apache.hadoop.conf.Configuration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model saved by a training run ({@link ModelIO}), ready to score rows: the network, its loss,
 * the class count, the standardization fitted on its training rows, the class names when labels
 * were mapped ({@code data.labels}), and the job that trained it
 * (whose {@code data.*} keys say how to read data the same way).
 */
public record SavedModel(String dir, Sequential model, Loss loss, int classes, Standardizer standardizer,
                         Map<String, String> job, double[] params, List<Map<String, Object>> history, List<String> labels) {

    @SuppressWarnings("unchecked")
    public static SavedModel load(String dir, Configuration conf) {
        ModelIO.Saved s = ModelIO.load(dir, conf);
        Map<String, Object> d = s.description();
        String where = dir + "/model.json";
        try {
            Sequential model = Sequential.parse((String) d.get("model"), where + " model");
            if (model.paramCount() != s.params().length) {
                throw new SparkTrainException(where + ": model " + model.spec() + " has " + model.paramCount()
                        + " parameters, params.bin " + s.params().length);
            }
            Map<String, Object> lossOptions = (Map<String, Object>) d.getOrDefault("loss_options", Map.of());
            Loss loss = Losses.create((String) d.get("loss"), new Options(where + " loss_options", lossOptions), model.outFeatures());
            Standardizer st = null;
            if (d.get("standardize") instanceof Map<?, ?> m) {
                st = new Standardizer(doubles(m.get("mean")), doubles(m.get("std")));
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
            Map<String, String> job = new LinkedHashMap<>();
            if (d.get("job") instanceof Map<?, ?> j) j.forEach((k, v) -> job.put(String.valueOf(k), String.valueOf(v)));
            List<Map<String, Object>> history = d.get("history") instanceof List<?> h ? (List<Map<String, Object>>) h : List.of();
            int classes = d.get("classes") instanceof Number n ? n.intValue() : 0;
            List<String> labels = d.get("labels") instanceof List<?> l ? l.stream().map(String::valueOf).toList() : null;
            return new SavedModel(dir, model, loss, classes, st, job, s.params(), history, labels);
        } catch (ClassCastException | NullPointerException e) {
            throw new SparkTrainException(where + ": missing or mistyped field (" + e.getMessage() + ")", e);
        }
    }

    /** True when predictions are classes (CrossEntropyLoss, or BCEWithLogitsLoss with one output). */
    public boolean classifier() {
        return loss.task() == Loss.Task.BINARY || loss.task() == Loss.Task.MULTICLASS && model.outFeatures() > 1;
    }

    /** Number of classes predictions range over (2 for a single-logit BCE model). */
    public int classCount() {
        return model.outFeatures() == 1 ? 2 : model.outFeatures();
    }

    private static double[] doubles(Object o) {
        List<?> l = (List<?>) o;
        double[] v = new double[l.size()];
        for (int i = 0; i < v.length; i++) v[i] = ((Number) l.get(i)).doubleValue();
        return v;
    }
}
