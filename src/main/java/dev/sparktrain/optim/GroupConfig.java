package dev.sparktrain.optim;

import java.util.List;

/**
 * One param group as an optimizer is built from: the (offset, length) ranges of the flat vector
 * it covers and its settings (PyTorch's {@code {'params': [...], 'lr': 0.1}} with every value
 * resolved).
 */
public record GroupConfig<S extends OptimizerSettings>(int[] offsets, int[] lengths, S settings) {

    public GroupConfig {
        if (offsets.length != lengths.length) throw new IllegalArgumentException("offsets/lengths differ in length");
        offsets = offsets.clone();
        lengths = lengths.clone();
    }

    /** One group over the whole vector of {@code size} parameters. */
    public static <S extends OptimizerSettings> List<GroupConfig<S>> all(int size, S settings) {
        return List.of(new GroupConfig<>(new int[] {0}, new int[] {size}, settings));
    }
}
