package dev.sparktrain.optim;

import dev.sparktrain.config.Options;

import java.io.Serializable;
import java.util.List;

/**
 * Which elements of the flat parameter vector form one param group, and the options that group
 * overrides (PyTorch's {@code {'params': [...], 'lr': 0.1}}). Ranges are (offset, length) pairs.
 */
public record GroupSpec(int[] offsets, int[] lengths, Options overrides) implements Serializable {

    public GroupSpec {
        if (offsets.length != lengths.length) throw new IllegalArgumentException("offsets/lengths differ in length");
    }

    /** One group over the whole vector with no overrides. */
    public static List<GroupSpec> all(int size) {
        return List.of(new GroupSpec(new int[] {0}, new int[] {size}, Options.empty("param group 0")));
    }

    public int size() {
        int n = 0;
        for (int l : lengths) n += l;
        return n;
    }
}
