package dev.sparktrain.ml;

import dev.sparktrain.config.Options;
import dev.sparktrain.data.Standardizer;
import dev.sparktrain.store.SavedModel;
import dev.sparktrain.nn.BatchKernel;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.train.EpochStats;
import dev.sparktrain.store.MetricsLog;
import dev.sparktrain.store.ModelDescription;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained network as the ML models hold it: the layers, the loss (which says how outputs become
 * predictions), the flat parameters, the standardization fitted on the training rows, and the
 * per-epoch history. Scores one feature vector per call here (Spark's per-row path), or a chunk
 * per call through {@link ChunkScorer} (the models' transform), with the training kernel: dense
 * rows through {@code forward}, sparse rows through {@code forwardCsr}, never densified unless the
 * saved standardization centres them. Saved in the training job's model format
 * ({@link ModelDescription}: model.json + params.bin), so {@code evaluate}/{@code predict} can read it too.
 */
final class TrainedNet implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Sequential model;
    private final String lossName;
    private final Map<String, Object> lossOptions;
    private final double[] params;
    /** Null without standardization. */
    private final double[] mean;
    private final double[] std;
    private final boolean centered;
    private final int classes;
    private final String storage;
    private final List<Map<String, Object>> history;
    private transient ThreadLocal<Scorer> scorers;

    TrainedNet(Sequential model, String lossName, Map<String, Object> lossOptions, double[] params, Standardizer st,
               int classes, String storage, List<Map<String, Object>> history) {
        if (params.length != model.paramCount()) {
            throw new IllegalArgumentException(model.spec() + " has " + model.paramCount() + " parameters, got " + params.length);
        }
        this.model = model;
        this.lossName = lossName;
        this.lossOptions = new LinkedHashMap<>(lossOptions);
        this.params = params;
        this.mean = st == null ? null : st.mean();
        this.std = st == null ? null : st.std();
        boolean c = false;
        if (mean != null) for (double m : mean) c |= m != 0;
        this.centered = c;
        this.classes = classes;
        this.storage = storage;
        this.history = new ArrayList<>(history);
    }

    int numFeatures() {
        return model.inFeatures();
    }

    int outputs() {
        return model.outFeatures();
    }

    String lossName() {
        return lossName;
    }

    String layers() {
        return model.spec();
    }

    double[] params() {
        return params.clone();
    }

    SparkTrainSummary summary() {
        return new SparkTrainSummary(history);
    }

    List<EpochStats> history() {
        List<EpochStats> out = new ArrayList<>();
        for (Map<String, Object> r : history) out.add(MetricsLog.toStats(r));
        return out;
    }

    /** The network's outputs for one feature vector (standardized first when the model was trained so). */
    double[] forward(Vector v) {
        checkSize(v);
        return scorer().forward(v);
    }

    private Scorer scorer() {
        ThreadLocal<Scorer> s = scorers;
        if (s == null) {
            synchronized (this) {
                if (scorers == null) scorers = ThreadLocal.withInitial(Scorer::new);
                s = scorers;
            }
        }
        Scorer sc = s.get();
        sc.bind(this);
        return sc;
    }

    /** A kernel for this network (one per thread: it holds the workspace). */
    BatchKernel newKernel() {
        Loss loss = Losses.create(lossName, new Options("lossOptions", lossOptions), model.outFeatures());
        return new BatchKernel(model, loss);
    }

    /** Whether a row is scored through the CSR kernel: sparse, and not centred (centring would fill it). */
    boolean scoresSparse(Vector v) {
        return v instanceof SparseVector && !centered;
    }

    /** Checks a row's size, naming the trained one. */
    void checkSize(Vector v) {
        if (v.size() != model.inFeatures()) {
            throw new IllegalArgumentException("a feature vector of size " + v.size() + "; the model was trained on "
                    + model.inFeatures() + " features");
        }
    }

    /** Writes {@code v}, standardized as in training, densely into {@code x[at .. at + d)}. */
    void standardizedDense(Vector v, double[] x, int at) {
        int d = model.inFeatures();
        Arrays.fill(x, at, at + d, 0.0);
        if (v instanceof SparseVector sv) {
            int[] idx = sv.indices();
            double[] vals = sv.values();
            for (int k = 0; k < idx.length; k++) x[at + idx[k]] = vals[k];
        } else {
            System.arraycopy(v.toArray(), 0, x, at, d);
        }
        if (std != null) for (int j = 0; j < d; j++) x[at + j] = (x[at + j] - mean[j]) / std[j];
    }

    /** A sparse row's values, scaled as in training (divided by the std; never centred), into {@code val[at ..)}. */
    void scaledSparse(SparseVector sv, double[] val, int at) {
        int[] idx = sv.indices();
        double[] vals = sv.values();
        for (int k = 0; k < vals.length; k++) val[at + k] = std == null ? vals[k] : vals[k] / std[idx[k]];
    }

    /** The flat parameters themselves (not a copy): read by the scorers, never written. */
    double[] weightsView() {
        return params;
    }

    /** One thread's kernel and scratch row: the row-by-row path (Spark's own per-row UDF transform). */
    private static final class Scorer {
        private TrainedNet net;
        private BatchKernel kernel;
        private double[] x = new double[0];
        private final int[] ptr = new int[2];
        private double[] val = new double[0];

        void bind(TrainedNet n) {
            if (net == n) return;
            net = n;
            kernel = n.newKernel();
        }

        double[] forward(Vector v) {
            int d = net.model.inFeatures();
            double[] out;
            if (net.scoresSparse(v)) {
                SparseVector sv = (SparseVector) v;
                if (val.length < sv.indices().length) val = new double[sv.indices().length];
                net.scaledSparse(sv, val, 0);
                ptr[1] = sv.indices().length;
                out = kernel.forwardCsr(net.params, ptr, sv.indices(), val, 0, 1);
            } else {
                if (x.length < d) x = new double[d];
                net.standardizedDense(v, x, 0);
                out = kernel.forward(net.params, x, 0, 1);
            }
            return Arrays.copyOf(out, net.model.outFeatures());
        }
    }

    // ------------------------------------------------------------------ files

    void save(String dir, Configuration conf) {
        ModelDescription.Scaling scaling = mean == null ? null : new ModelDescription.Scaling(mean, std, centered);
        new ModelDescription(model.spec(), lossName, lossOptions, model.inFeatures(), classes, model.tensorSizes(), null,
                storage, scaling, null, history, null, null, model.precision()).save(dir, params, conf);
    }

    static TrainedNet load(String dir, Configuration conf) {
        SavedModel s = SavedModel.load(dir, conf);
        return new TrainedNet(s.model(), s.loss().name(), s.description().lossOptions(), s.params(), s.standardizer(),
                s.classes(), s.description().storage(), s.history());
    }
}
