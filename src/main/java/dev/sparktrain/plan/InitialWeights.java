package dev.sparktrain.plan;

import dev.sparktrain.nn.Sequential;
import dev.sparktrain.store.SafetensorsModel;
import org.apache.hadoop.conf.Configuration;

/**
 * The weights a run starts from: PyTorch's default init from the run's seed, or ({@code model.init})
 * the tensors of a safetensors file, each key and shape checked against the layer spec, so a model
 * defined and maybe pre-trained in PyTorch continues here.
 */
public final class InitialWeights {
    private InitialWeights() {
    }

    /**
     * {@code model}'s starting weights: from {@code initFile} when it is not null (errors start
     * with {@code where}, e.g. the job file's line of the key), else from {@code seed}.
     */
    public static double[] of(Sequential model, long seed, String initFile, String where, Configuration conf) {
        return initFile == null ? model.initParams(seed) : SafetensorsModel.params(initFile, model, where, conf);
    }
}
