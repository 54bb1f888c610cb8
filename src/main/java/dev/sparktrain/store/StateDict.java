package dev.sparktrain.store;

import dev.sparktrain.nn.Layer;
import dev.sparktrain.nn.Sequential;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The tensors of a {@link Sequential} as PyTorch's {@code nn.Sequential.state_dict()} names them:
 * the layer's index in the Sequential (parameter-free layers count too), a dot, the layer's
 * tensor name ({@code 0.weight}, {@code 0.bias}, {@code 2.weight}, ...), each with its PyTorch
 * shape and its slice of the flat parameter vector. Every model file format reads this one list.
 */
public final class StateDict {
    /** One tensor: its state_dict key, shape, and slice {@code [offset, offset + length)} of the flat vector. */
    public record Entry(String key, long[] shape, int offset, int length) {
        /** The shape as PyTorch prints a size, e.g. {@code [128, 64]}. */
        public String shapeText() {
            return StateDict.shapeText(shape);
        }
    }

    private StateDict() {
    }

    /** The model's tensors in flat-vector order (which is also state_dict order). */
    public static List<Entry> of(Sequential model) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < model.layers().size(); i++) entries.addAll(ofLayer(model, i));
        return entries;
    }

    /** The tensors of the model's layer {@code i} (none for a layer without parameters). */
    public static List<Entry> ofLayer(Sequential model, int i) {
        Layer l = model.layers().get(i);
        int[] sizes = l.tensorSizes();
        String[] names = l.tensorNames();
        long[][] shapes = l.tensorShapes();
        List<Entry> entries = new ArrayList<>();
        int off = model.offset(i);
        for (int t = 0; t < sizes.length; t++) {
            entries.add(new Entry(i + "." + names[t], shapes[t], off, sizes[t]));
            off += sizes[t];
        }
        return entries;
    }

    static String shapeText(long[] shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
