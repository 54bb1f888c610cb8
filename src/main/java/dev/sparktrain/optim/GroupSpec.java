package dev.sparktrain.optim;

import dev.sparktrain.config.Options;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link Optimizers#create} takes for one param group: which elements of the flat parameter
 * vector it covers, as (offset, length) ranges, and the options it overrides (PyTorch's
 * {@code {'params': [...], 'lr': 0.1}}).
 */
public record GroupSpec(int[] offsets, int[] lengths, Options overrides) implements Serializable {

    public GroupSpec {
        if (offsets.length != lengths.length) throw new IllegalArgumentException("offsets/lengths differ in length");
    }

    /** One group over the whole vector with no overrides. */
    public static List<GroupSpec> all(int size) {
        return List.of(new GroupSpec(new int[] {0}, new int[] {size}, Options.empty("param group 0")));
    }

    /**
     * The group of every bias tensor ({@code biases}) or of every other tensor of a model whose
     * flat vector holds tensors of {@code tensorSizes} in order, {@code isBias} marking the biases.
     */
    public static GroupSpec of(int[] tensorSizes, boolean[] isBias, boolean biases, Options overrides) {
        if (tensorSizes.length != isBias.length) throw new IllegalArgumentException("sizes/bias flags differ in length");
        List<int[]> ranges = new ArrayList<>();
        int off = 0;
        for (int t = 0; t < tensorSizes.length; t++) {
            if (isBias[t] == biases) ranges.add(new int[] {off, tensorSizes[t]});
            off += tensorSizes[t];
        }
        return new GroupSpec(ranges.stream().mapToInt(r -> r[0]).toArray(),
                ranges.stream().mapToInt(r -> r[1]).toArray(), overrides);
    }

    public int size() {
        int n = 0;
        for (int l : lengths) n += l;
        return n;
    }
}
