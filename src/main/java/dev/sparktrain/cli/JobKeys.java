package dev.sparktrain.cli;

import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.ModelSpec;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.optim.clip.GradientClippers;
import dev.sparktrain.optim.lr.Schedulers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every job-file key, read from the lists {@link JobConfig} checks keys against and from the
 * optimizer, scheduler, loss, clipping and layer registries that check the options: what
 * {@code train --help} prints and what a mistyped key is matched with, so neither can drift
 * from what is accepted. The meanings are only text; a key without one is still listed.
 */
final class JobKeys {
    private static final Map<String, String> MEANING = new LinkedHashMap<>();

    static {
        MEANING.put("data.path", "(required) file, directory or glob on any Hadoop path; .gz works");
        MEANING.put("data.format", "csv (default), libsvm, parquet, orc, json");
        MEANING.put("data.header", "csv: the first line names the columns (default false)");
        MEANING.put("data.features", "(required) number of features");
        MEANING.put("data.label_column", "label column: a name, a 0-based index, or last (default last for csv, label otherwise)");
        MEANING.put("data.feature_columns", "all (default: every column but the label) or a list of names/indices");
        MEANING.put("data.labels", "index (default), auto (names mapped in sorted order) or the class names in index order");
        MEANING.put("data.classes", "number of classes; 0 = regression (default 0, or the number of data.labels names)");
        MEANING.put("data.validation_fraction", "rows held out for validation (default 0.2; 0 with data.validation_path)");
        MEANING.put("data.validation_path", "a separate validation set, same format and columns");
        MEANING.put("data.partitions", "partitions of the cached training set (default Spark's default parallelism)");
        MEANING.put("data.standardize", "scale features with training-set statistics, saved with the model (default false)");
        MEANING.put("data.storage", "auto (default: sparse for libsvm), dense or sparse");
        MEANING.put("data.precision", "float64 (default) or float32: how rows are stored (float32: half the memory; "
                + "the computation follows train.precision)");
        MEANING.put("model", "(required) PyTorch layers, e.g. Linear(64, 128), ReLU(), Linear(128, 10) (names case-insensitive)");
        MEANING.put("model.init", "start from these weights instead of the seeded init: a safetensors file with "
                + "nn.Sequential's state_dict keys and shapes (tools/pytorch/export_sequential.py writes one)");
        MEANING.put("loss", "default CrossEntropyLoss (MSELoss when data.classes = 0)");
        MEANING.put("optimizer", "(required)");
        MEANING.put("scheduler", "default none; scheduler=none switches a job file's off (its scheduler.* keys go too)");
        MEANING.put("scheduler.interval", "epoch or step: when scheduler.step() is called (default: the scheduler's own)");
        MEANING.put("clip", "only none: no clipping (clip=none drops a job file's clip.* keys; a later clip.* override "
                + "switches clipping on again)");
        MEANING.put("clip.max_norm", "clip_grad_norm_ to this norm (default: no clipping; 0 = no clipping)");
        MEANING.put("clip.norm_type", "clip_grad_norm_'s norm: 2 (default), 1, inf or any p > 0");
        MEANING.put("clip.error_if_nonfinite", "clip_grad_norm_: fail on a NaN/Inf norm (default false)");
        MEANING.put("clip.clip_value", "clip_grad_value_ to [-v, v] (not with clip.max_norm; 0 = no clipping)");
        MEANING.put("train.epochs", "epochs (default 10)");
        MEANING.put("train.batch_size", "global mini-batch size over all partitions; 0 = full batch (default 64)");
        MEANING.put("train.shuffle", "reshuffle each epoch from (seed, epoch) (default true)");
        MEANING.put("train.seed", "seed for initial weights, shuffling and the validation split (default 42)");
        MEANING.put("train.precision", "float64 (default) or float32: the precision every layer computes in (float32: "
                + "sgemm, float activations, float sums within a 512-row chunk); weights, gradient sums and optimizer stay float64");
        MEANING.put("train.sharded_optimizer", "auto (default: on from 4,194,304 parameters), on or off: the optimizer "
                + "step and its state in slices on the executors (ZeRO-1) instead of on the driver; the same bits either way");
        MEANING.put("train.nonfinite", "a NaN/Inf loss or gradient: stop (default) or skip the optimizer step");
        MEANING.put("output.dir", "where the model, metrics, report and checkpoints go (default runs/latest)");
        MEANING.put("output.safetensors", "also write the weights as <output.dir>/model.safetensors for PyTorch's "
                + "load_state_dict (default false)");
        MEANING.put("output.safetensors.dtype", "float64 (default) or float32");
        MEANING.put("checkpoint.dir", "where checkpoints go (default <output.dir>/checkpoints)");
        MEANING.put("checkpoint.every", "a checkpoint every N epochs and after the last; 0 = only at the end (default 1)");
        MEANING.put("checkpoint.keep", "checkpoints kept, the newest (default 2)");
        MEANING.put("resume", "continue from the latest good checkpoint in this run or checkpoint directory (as --resume)");
        MEANING.put("metrics.per_step", "also one metrics row per optimizer step (default false)");
        MEANING.put("progress.interval", "seconds between progress lines inside an epoch when the output is not a terminal "
                + "(a terminal gets a live line); 0 = neither (default 30)");
        MEANING.put("early_stopping.monitor", "val_loss or val_accuracy (default: off)");
        MEANING.put("early_stopping.patience", "epochs without improvement before stopping (default 5)");
        MEANING.put("early_stopping.min_delta", "an improvement must exceed this (default 0)");
        MEANING.put("early_stopping.mode", "min, max or auto (default: min for a loss, max for an accuracy)");
        MEANING.put("early_stopping.restore_best", "end with the best epoch's weights (default false)");
    }

    private JobKeys() {
    }

    /** The keys outside the open sections (loss.*, optimizer.*, ...), as {@link JobConfig} checks them. */
    static List<String> fixed() {
        List<String> keys = new ArrayList<>();
        JobConfig.DATA_KEYS.forEach(k -> keys.add("data." + k));
        for (String k : JobConfig.TOP_KEYS) {
            keys.add(k);
            if (k.equals("scheduler")) keys.add("scheduler.interval");
        }
        JobConfig.TRAIN_KEYS.forEach(k -> keys.add("train." + k));
        RunOptions.KEYS.forEach((prefix, ks) -> ks.forEach(k -> keys.add(prefix + k)));
        return keys;
    }

    /** The {@code data.*} keys: what evaluate and predict let the command line change. */
    static List<String> data() {
        return JobConfig.DATA_KEYS.stream().map(k -> "data." + k).toList();
    }

    /** Every key a job may set: the fixed ones and every option of every registered loss, optimizer, scheduler and clipper. */
    static Set<String> all() {
        Set<String> keys = new LinkedHashSet<>(fixed());
        Losses.names().forEach(n -> Losses.options(n).forEach(o -> keys.add("loss." + o)));
        for (String n : Optimizers.names()) {
            Optimizers.defaults(n).keySet().forEach(o -> keys.add("optimizer." + o));
            Optimizers.defaults(n).keySet().forEach(o -> keys.add("param_groups.bias." + o));
        }
        Optimizers.switches().forEach(o -> keys.add("optimizer." + o));
        Schedulers.names().forEach(n -> Schedulers.options(n).forEach(o -> keys.add("scheduler." + o)));
        GradientClippers.OPTIONS.forEach(o -> keys.add("clip." + o));
        return keys;
    }

    /** The job-file part of {@code train --help}. */
    static String help() {
        StringBuilder b = new StringBuilder();
        b.append("Job-file keys ('key = value' lines; key=value arguments override them):\n");
        for (String k : fixed()) {
            key(b, k);
            if (k.equals("model")) b.append(indent("layers: " + String.join(", ", ModelSpec.LAYERS)));
            if (k.equals("loss")) lossOptions(b);
            if (k.equals("optimizer")) optimizerOptions(b);
            if (k.equals("scheduler")) schedulerOptions(b);
            if (k.equals("clip")) {
                GradientClippers.OPTIONS.forEach(o -> key(b, "clip." + o));
                key(b, "param_groups.bias.<option>", "a second param group holding every bias, with these optimizer "
                        + "options (e.g. param_groups.bias.weight_decay = 0)");
            }
        }
        return b.toString();
    }

    /** {@code keys}, one a line with their meanings, under {@code title}. */
    static String describe(String title, List<String> keys) {
        StringBuilder b = new StringBuilder(title).append('\n');
        keys.forEach(k -> key(b, k));
        return b.toString();
    }

    private static void lossOptions(StringBuilder b) {
        b.append(indent("losses and their options (PyTorch's keyword arguments):"));
        for (String n : Losses.names()) {
            b.append(indent("  " + n + ": " + String.join(", ", Losses.options(n).stream().map(o -> "loss." + o).toList())));
        }
    }

    private static void optimizerOptions(StringBuilder b) {
        b.append(indent("optimizers and their options with PyTorch's defaults:"));
        for (String n : Optimizers.names()) {
            List<String> opts = new ArrayList<>();
            Optimizers.defaults(n).forEach((o, d) -> opts.add("optimizer." + o + " " + show(d)));
            b.append(indent("  " + n + ": " + String.join(", ", opts)));
        }
        b.append(indent("  every optimizer also takes " + String.join(", ", Optimizers.switches().stream().sorted()
                .map(o -> "optimizer." + o).toList()) + " (accepted, no effect)"));
    }

    private static void schedulerOptions(StringBuilder b) {
        b.append(indent("schedulers and their options (PyTorch's keyword arguments):"));
        for (String n : Schedulers.names()) {
            b.append(indent("  " + n + ": " + String.join(", ", Schedulers.options(n).stream().map(o -> "scheduler." + o).toList())));
        }
    }

    private static void key(StringBuilder b, String key) {
        key(b, key, MEANING.getOrDefault(key, ""));
    }

    private static void key(StringBuilder b, String key, String meaning) {
        b.append(String.format("  %-28s %s", key, meaning).stripTrailing()).append('\n');
    }

    private static String indent(String line) {
        return " ".repeat(33) + line + "\n";
    }

    /** A default as the README writes it: (required) for none, pairs in parentheses, no ".0" on whole numbers. */
    static String show(Object d) {
        if (d instanceof Double x && x.isNaN()) return "(required)";
        if (d instanceof double[] v) {
            List<String> parts = new ArrayList<>();
            for (double x : v) parts.add(show(x));
            return "(" + String.join(", ", parts) + ")";
        }
        if (d instanceof Double x) {
            if (x == Math.rint(x) && Math.abs(x) < 1e6) return String.valueOf(x.longValue());
            return String.valueOf(x).replace('E', 'e');
        }
        return String.valueOf(d);
    }
}
