package dev.sparktrain.ml;

import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.ModelSpec;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.optim.lr.Schedulers;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The training params every sparktrain estimator and model carries (one instance per owner, made
 * with the owner as the params' parent), with their defaults. A model carries them too, so
 * {@code copyValues} hands the estimator's settings to the model it fits and they are saved with
 * it (as MLlib's models do).
 */
public final class TrainParams implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String NO_SCHEDULER = "none";
    static final String NO_EARLY_STOPPING = "none";

    final Param<String> layers;
    final Param<String> loss;
    final Param<String> lossOptions;
    final Param<String> optimizer;
    final Param<String> optimizerOptions;
    final DoubleParam lr;
    final Param<String> biasOptions;
    final Param<String> scheduler;
    final Param<String> schedulerOptions;
    final Param<String> schedulerInterval;
    final DoubleParam maxNorm;
    final DoubleParam normType;
    final DoubleParam clipValue;
    final IntParam batchSize;
    final IntParam epochs;
    final LongParam seed;
    final BooleanParam shuffle;
    final DoubleParam validationFraction;
    final Param<String> weightCol;
    final BooleanParam standardize;
    final Param<String> storage;
    final Param<String> precision;
    final Param<String> trainPrecision;
    final Param<String> shardedOptimizer;
    final IntParam numPartitions;
    final BooleanParam verbose;

    // validation rows, early stopping, checkpoints and resume (the job file's data.validation_*,
    // early_stopping.*, checkpoint.* and resume)
    final Param<String> validationIndicatorCol;
    final Param<String> earlyStoppingMonitor;
    final IntParam earlyStoppingPatience;
    final DoubleParam earlyStoppingMinDelta;
    final Param<String> earlyStoppingMode;
    final BooleanParam earlyStoppingRestoreBest;
    final Param<String> checkpointDir;
    final IntParam checkpointEvery;
    final IntParam checkpointKeep;
    final Param<String> resumeFrom;

    TrainParams(Params owner, boolean regression) {
        layers = new Param<>(owner, "layers", "the network as PyTorch layers, comma-separated, e.g. Linear(*, 64), GELU(), LayerNorm(64), Linear(64, *) "
                + "(the job file's model syntax: " + String.join(", ", ModelSpec.LAYERS) + "); "
                + "'*' as the first input is the feature count, as the last output the outputs the label needs "
                + "(classes for CrossEntropyLoss, else 1)", new Check<>("layers", LayerSpec::check));
        List<String> losses = Losses.names(!regression);
        loss = new Param<>(owner, "loss", "PyTorch loss: " + String.join(", ", losses), new Check<>("loss", v -> {
            for (String l : losses) if (l.equalsIgnoreCase(v.strip())) return;
            boolean known = Losses.names().stream().anyMatch(n -> n.equalsIgnoreCase(v.strip()));
            throw new IllegalArgumentException((known ? "not for a " + (regression ? "regressor" : "classifier") : "unknown loss")
                    + "; allowed: " + String.join(", ", losses));
        }));
        lossOptions = optionsParam(owner, "lossOptions", "the loss's PyTorch keyword options, e.g. label_smoothing=0.1 "
                + "or weight=(1, 2, 1) (key=value pairs or a JSON object)");
        optimizer = new Param<>(owner, "optimizer", "PyTorch optimizer: " + String.join(", ", Optimizers.names()),
                new Check<>("optimizer", v -> {
                    for (String o : Optimizers.names()) if (o.equalsIgnoreCase(v.strip())) return;
                    throw new IllegalArgumentException("unknown optimizer; allowed: " + String.join(", ", Optimizers.names()));
                }));
        optimizerOptions = optionsParam(owner, "optimizerOptions", "the optimizer's PyTorch keyword options, e.g. "
                + "momentum=0.9, nesterov=true or betas=(0.9, 0.99), weight_decay=1e-4 (key=value pairs or a JSON object); "
                + "checked against the optimizer when fitting");
        lr = new DoubleParam(owner, "lr", "learning rate; when set it overrides 'lr' in optimizerOptions (unset: "
                + "optimizerOptions' lr, else the optimizer's PyTorch default)", Check.finiteAtLeast("lr", 0, ""));
        biasOptions = optionsParam(owner, "biasOptions", "optimizer options of a second param group holding every bias, "
                + "e.g. weight_decay=0 (empty: one group)");
        List<String> scheds = new ArrayList<>();
        scheds.add(NO_SCHEDULER);
        scheds.addAll(Schedulers.names());
        scheduler = new Param<>(owner, "scheduler", "PyTorch LR scheduler: " + String.join(", ", scheds),
                new Check<>("scheduler", v -> {
                    for (String s : scheds) if (s.equalsIgnoreCase(v.strip())) return;
                    throw new IllegalArgumentException("unknown scheduler; allowed: " + String.join(", ", scheds)
                            + " (LambdaLR and MultiplicativeLR from the Java API only)");
                }));
        schedulerOptions = optionsParam(owner, "schedulerOptions", "the scheduler's PyTorch keyword options, e.g. T_max=30, "
                + "eta_min=1e-5; SequentialLR/ChainedScheduler children as schedulers=LinearLR(start_factor=0.1, "
                + "total_iters=3); CosineAnnealingLR(T_max=27), or a JSON object");
        schedulerInterval = new Param<>(owner, "schedulerInterval", "when scheduler.step() is called: natural (the "
                + "scheduler's own), epoch or step", Check.choice("schedulerInterval", "natural", "epoch", "step"));
        maxNorm = new DoubleParam(owner, "maxNorm", "clip_grad_norm_ max_norm (0: no norm clipping)",
                Check.finiteAtLeast("maxNorm", 0, " (0 turns norm clipping off)"));
        normType = new DoubleParam(owner, "normType", "clip_grad_norm_ norm_type: any p > 0, or Infinity",
                new Check<>("normType", v -> {
                    if (!(((Number) v).doubleValue() > 0)) throw new IllegalArgumentException("must be > 0 (or Infinity)");
                }));
        clipValue = new DoubleParam(owner, "clipValue", "clip_grad_value_ clip_value (0: no value clipping)",
                Check.finiteAtLeast("clipValue", 0, " (0 turns value clipping off)"));
        batchSize = new IntParam(owner, "batchSize", "global mini-batch size, rows per optimizer step over all partitions "
                + "(0: full batch)", new Check<>("batchSize", v -> {
                    if (((Number) v).intValue() < 0) throw new IllegalArgumentException("must be >= 1 (or 0 for full batch)");
                }));
        epochs = new IntParam(owner, "epochs", "passes over the training rows (>= 1)", Check.atLeast("epochs", 1));
        seed = new LongParam(owner, "seed", "seed of the initial weights, the shuffling and the validation split");
        shuffle = new BooleanParam(owner, "shuffle", "reshuffle the rows every epoch (from seed and epoch)");
        validationFraction = new DoubleParam(owner, "validationFraction", "share of the rows held out to report "
                + "validation loss/accuracy per epoch, chosen by a seeded hash of the row number (0: none)",
                new Check<>("validationFraction", v -> {
                    double x = ((Number) v).doubleValue();
                    if (!(x >= 0 && x < 1)) throw new IllegalArgumentException("must be in [0, 1)");
                }));
        weightCol = new Param<>(owner, "weightCol", "column of per-row sample weights (numbers >= 0; empty: every row "
                + "weighs 1): the loss is PyTorch's reduction='none' terms' weighted mean, sum(w*l) / sum(w*share) "
                + "(share: 1 per output, or the target's class weight); accuracy still counts rows");
        standardize = new BooleanParam(owner, "standardize", "scale features by the training rows' mean and std "
                + "(sparse storage: divide by the std only), saved with the model and applied by transform");
        storage = new Param<>(owner, "storage", "how the cached training rows keep their features: dense, sparse (CSR) "
                + "or auto (sparse when the first row is a SparseVector with at most 2/3 non-zeros)",
                Check.choice("storage", "auto", "dense", "sparse"));
        precision = new Param<>(owner, "precision", "cached feature precision: float64 or float32 (half the memory; "
                + "the computation follows trainPrecision)", Check.choice("precision", "float64", "float32"));
        trainPrecision = new Param<>(owner, "trainPrecision", "the precision every layer computes in: float64 or float32 "
                + "(PyTorch's model.float(): a float32 copy of the weights, float activations; the weights, the gradient "
                + "sums and the optimizer stay float64); the job file's train.precision. The model scores in it too",
                Check.choice("trainPrecision", "float64", "float32"));
        shardedOptimizer = new Param<>(owner, "shardedOptimizer", "where the optimizer step runs: auto (on from "
                + "4,194,304 parameters), on (slices of the parameters and the optimizer state on the executors, ZeRO-1) or off "
                + "(the driver); the same bits either way; the job file's train.sharded_optimizer",
                Check.choice("shardedOptimizer", "auto", "on", "off"));
        numPartitions = new IntParam(owner, "numPartitions", "partitions of the cached training rows (0: Spark's default "
                + "parallelism)", Check.atLeast("numPartitions", 0));
        verbose = new BooleanParam(owner, "verbose", "print one progress line per epoch to standard output");

        validationIndicatorCol = new Param<>(owner, "validationIndicatorCol", "a boolean column: rows where it is true "
                + "are the validation set (instead of validationFraction's random rows), as in MLlib's GBTs; rows where "
                + "it is null are in neither set (empty: none)", new Check<String>("validationIndicatorCol", v -> { }));
        earlyStoppingMonitor = new Param<>(owner, "earlyStoppingMonitor", "stop when this validation figure stops "
                + "improving: none, val_loss or val_accuracy (needs validation rows)",
                Check.choice("earlyStoppingMonitor", NO_EARLY_STOPPING, "val_loss", "val_accuracy"));
        earlyStoppingPatience = new IntParam(owner, "earlyStoppingPatience", "epochs without an improvement larger than "
                + "earlyStoppingMinDelta before stopping", Check.atLeast("earlyStoppingPatience", 0));
        earlyStoppingMinDelta = new DoubleParam(owner, "earlyStoppingMinDelta", "the least change that counts as an "
                + "improvement", Check.finiteAtLeast("earlyStoppingMinDelta", 0, ""));
        earlyStoppingMode = new Param<>(owner, "earlyStoppingMode", "min, max or auto (min for val_loss, max for "
                + "val_accuracy)", Check.choice("earlyStoppingMode", "auto", "min", "max"));
        earlyStoppingRestoreBest = new BooleanParam(owner, "earlyStoppingRestoreBest", "the model gets the best epoch's "
                + "weights instead of the last epoch's");
        checkpointDir = new Param<>(owner, "checkpointDir", "write checkpoints here (any Hadoop path; empty: none), in "
                + "the job's checkpoint format, so a fit can be resumed (resumeFrom) or continued by ./submit.sh --resume",
                new Check<String>("checkpointDir", v -> { }));
        checkpointEvery = new IntParam(owner, "checkpointEvery", "a checkpoint every N epochs and after the last "
                + "(0: only after the last)", Check.atLeast("checkpointEvery", 0));
        checkpointKeep = new IntParam(owner, "checkpointKeep", "checkpoints kept (the newest)", Check.atLeast("checkpointKeep", 1));
        resumeFrom = new Param<>(owner, "resumeFrom", "continue the fit from the newest good checkpoint here: a "
                + "checkpointDir, one checkpoint, or a job's output directory (empty: a fresh fit); the result equals an "
                + "uninterrupted fit's, bit for bit", new Check<String>("resumeFrom", v -> { }));

        owner.setDefault(layers, "linear(*,*)");
        owner.setDefault(loss, regression ? "MSELoss" : "CrossEntropyLoss");
        owner.setDefault(lossOptions, "");
        owner.setDefault(optimizer, "Adam");
        owner.setDefault(optimizerOptions, "");
        owner.setDefault(biasOptions, "");
        owner.setDefault(scheduler, NO_SCHEDULER);
        owner.setDefault(schedulerOptions, "");
        owner.setDefault(schedulerInterval, "natural");
        owner.setDefault(maxNorm, 0.0);
        owner.setDefault(normType, 2.0);
        owner.setDefault(clipValue, 0.0);
        owner.setDefault(batchSize, 64);
        owner.setDefault(epochs, 10);
        owner.setDefault(seed, 42L);
        owner.setDefault(shuffle, true);
        owner.setDefault(validationFraction, 0.0);
        owner.setDefault(weightCol, "");
        owner.setDefault(standardize, false);
        owner.setDefault(storage, "auto");
        owner.setDefault(precision, "float64");
        owner.setDefault(trainPrecision, "float64");
        owner.setDefault(shardedOptimizer, "auto");
        owner.setDefault(numPartitions, 0);
        owner.setDefault(verbose, false);
        owner.setDefault(validationIndicatorCol, "");
        owner.setDefault(earlyStoppingMonitor, NO_EARLY_STOPPING);
        owner.setDefault(earlyStoppingPatience, 5);
        owner.setDefault(earlyStoppingMinDelta, 0.0);
        owner.setDefault(earlyStoppingMode, "auto");
        owner.setDefault(earlyStoppingRestoreBest, false);
        owner.setDefault(checkpointDir, "");
        owner.setDefault(checkpointEvery, 1);
        owner.setDefault(checkpointKeep, 2);
        owner.setDefault(resumeFrom, "");
    }

    private static Param<String> optionsParam(Params owner, String name, String doc) {
        return new Param<>(owner, name, doc, new Check<String>(name, OptionsText::parse));
    }
}
