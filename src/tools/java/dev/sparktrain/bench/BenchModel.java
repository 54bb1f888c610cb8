package dev.sparktrain.bench;

import dev.sparktrain.config.Options;
import dev.sparktrain.nn.Loss;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Precision;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.optim.clip.GradientClipper;
import dev.sparktrain.optim.clip.GradientClippers;

import java.util.Map;

/** A model the benchmark trains: its figure-name key, network, loss and a line describing it. */
record BenchModel(String key, Sequential net, Loss loss, String text) {

    static BenchModel logreg(int d) {
        Sequential s = Sequential.parse("linear(" + d + ",1)", "bench");
        return new BenchModel("logreg", s, Losses.create("BCEWithLogitsLoss", Options.empty("loss"), 1),
                "logistic regression linear(" + d + ",1) + BCEWithLogitsLoss (" + s.paramCount() + " params)");
    }

    static BenchModel mlp(int d) {
        Sequential s = Sequential.parse("linear(" + d + ",64), relu, linear(64,2)", "bench");
        return new BenchModel("mlp", s, Losses.create("CrossEntropyLoss", Options.empty("loss"), 2),
                "MLP " + d + "->64->2 relu + CrossEntropyLoss (" + s.paramCount() + " params)");
    }

    /** The ~1M-parameter model of the {@code big} section, from its spec. */
    static BenchModel big(String spec) {
        Sequential s = Sequential.parse(spec, "bench big.model");
        return new BenchModel("big", s, Losses.create("CrossEntropyLoss", Options.empty("loss"), s.outFeatures()),
                s.spec() + " + CrossEntropyLoss (" + s.paramCount() + " params)");
    }

    /** The same model computing in float32 ({@code train.precision = float32}); its figures say so in their names. */
    BenchModel float32() {
        return new BenchModel(key, net.withPrecision(Precision.FLOAT32), loss, text + ", computed in float32");
    }

    int params() {
        return net.paramCount();
    }

    /** Every run trains with Adam and clip_grad_norm, as the PyTorch side does. */
    Optimizer adam(double lr) {
        return Optimizers.create("Adam", new Options("optimizer", Map.of("lr", lr)), GroupSpec.all(net.paramCount()));
    }

    GradientClipper clip(double maxNorm) {
        return GradientClippers.create(new Options("clip", Map.of("max_norm", maxNorm)), net.tensorSizes());
    }
}
