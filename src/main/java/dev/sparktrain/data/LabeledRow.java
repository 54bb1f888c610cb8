package dev.sparktrain.data;

import java.io.Serializable;

/** A parsed row on its way to a {@link PackedBlock}: only exists while the data set is loaded. */
public record LabeledRow(double[] x, double y) implements Serializable {
}
