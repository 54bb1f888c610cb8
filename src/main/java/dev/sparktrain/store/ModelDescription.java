package dev.sparktrain.store;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.nn.Precision;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What model.json says about a saved model besides its parameters ({@link ModelIO} adds the
 * format, the parameter file and its checksum). Both front ends save through this record; field
 * names and order in the file are the JSON keys below.
 *
 * @param model         the layer spec
 * @param loss          the loss's PyTorch name
 * @param lossOptions   the loss's keyword options
 * @param features      input features
 * @param classes       classes of the label (0 for regression)
 * @param tensorSizes   parameter tensor sizes in flat order
 * @param labels        class names when labels were mapped, else null
 * @param storage       how the training rows were stored (e.g. "dense float64"), or null
 * @param standardize   the feature scaling fitted on the training rows, or null
 * @param job           the resolved job keys (how to read data the same way), or null
 * @param history       one metrics row per epoch (as in metrics.jsonl, without its kind)
 * @param earlyStopping how early stopping ended, or null without it
 * @param skippedSteps  optimizer steps skipped for a non-finite loss or gradient, or null unless train.nonfinite = skip
 * @param precision     the precision the model computes in ({@link Precision}); scored in it when loaded
 */
public record ModelDescription(String model, String loss, Map<String, Object> lossOptions, int features, int classes,
                               int[] tensorSizes, List<String> labels, String storage, Scaling standardize,
                               Map<String, String> job, List<Map<String, Object>> history, EarlyStop earlyStopping,
                               Long skippedSteps, Precision precision) {

    public ModelDescription {
        if (precision == null) precision = Precision.FLOAT64;
    }

    /** Per-feature scaling; {@code centered} false when only divided by the std (sparse rows). */
    public record Scaling(double[] mean, double[] std, boolean centered) {
    }

    /** The end of early stopping: its monitor, whether it stopped, the best epoch and value, whose weights were saved. */
    public record EarlyStop(String monitor, boolean stopped, int bestEpoch, double best, int weightsOfEpoch) {
    }

    /** Writes the model directory: model.json and params.bin. */
    public void save(String dir, double[] params, org.apache.hadoop.conf.Configuration conf) {
        ModelIO.save(dir, toJson(), params, conf);
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("loss", loss);
        m.put("loss_options", lossOptions);
        m.put("features", features);
        m.put("classes", classes);
        m.put("tensor_sizes", tensorSizes);
        if (labels != null) m.put("labels", labels);
        if (storage != null) m.put("storage", storage);
        if (precision != Precision.FLOAT64) m.put("precision", precision.key()); // absent: float64, as before it existed
        if (standardize != null) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("mean", standardize.mean());
            s.put("std", standardize.std());
            s.put("centered", standardize.centered());
            m.put("standardize", s);
        }
        if (job != null) m.put("job", job);
        m.put("history", history);
        if (earlyStopping != null) {
            Map<String, Object> es = new LinkedHashMap<>();
            es.put("monitor", earlyStopping.monitor());
            es.put("stopped", earlyStopping.stopped());
            es.put("best_epoch", earlyStopping.bestEpoch());
            es.put("best", earlyStopping.best());
            es.put("weights_of_epoch", earlyStopping.weightsOfEpoch());
            m.put("early_stopping", es);
        }
        if (skippedSteps != null) m.put("nonfinite", Map.of("policy", "skip", "skipped_steps", skippedSteps));
        return m;
    }

    /**
     * Reads model.json's fields ({@code where} names the file in errors); fields a scorer does not
     * need are optional, a mistyped field is refused in one line.
     */
    @SuppressWarnings("unchecked")
    static ModelDescription fromJson(Map<String, Object> d, String where) {
        try {
            Map<String, Object> lossOptions = new LinkedHashMap<>();
            if (d.get("loss_options") instanceof Map<?, ?> o) o.forEach((k, v) -> lossOptions.put(String.valueOf(k), v));
            Scaling st = null;
            if (d.get("standardize") instanceof Map<?, ?> s) {
                st = new Scaling(doubles(s.get("mean")), doubles(s.get("std")), !Boolean.FALSE.equals(s.get("centered")));
            }
            Map<String, String> job = null;
            if (d.get("job") instanceof Map<?, ?> j) {
                job = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : j.entrySet()) job.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
            }
            List<Map<String, Object>> history = d.get("history") instanceof List<?> h ? (List<Map<String, Object>>) h : List.of();
            int classes = d.get("classes") instanceof Number n ? n.intValue() : 0;
            int features = d.get("features") instanceof Number n ? n.intValue() : 0;
            List<String> labels = d.get("labels") instanceof List<?> l ? l.stream().map(String::valueOf).toList() : null;
            String storage = d.get("storage") instanceof String x ? x : null;
            return new ModelDescription((String) d.get("model"), (String) d.get("loss"), lossOptions, features, classes,
                    null, labels, storage, st, job, history, null, null, precision(d.get("precision"), where));
        } catch (ClassCastException | NullPointerException e) {
            throw new SparkTrainException(where + ": missing or mistyped field (" + e.getMessage() + ")", e);
        }
    }

    private static Precision precision(Object v, String where) {
        if (v == null) return Precision.FLOAT64;
        Precision p = v instanceof String s ? Precision.parse(s) : null;
        if (p == null) throw new SparkTrainException(where + ": precision is '" + v + "', expected float64 or float32");
        return p;
    }

    private static double[] doubles(Object o) {
        List<?> l = (List<?>) o;
        double[] v = new double[l.size()];
        for (int i = 0; i < v.length; i++) v[i] = ((Number) l.get(i)).doubleValue();
        return v;
    }
}
