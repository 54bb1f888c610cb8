package dev.sparktrain.train;

import dev.sparktrain.data.PackedBlock;

/** The local-backend tests' data: two smooth features and three classes, learnable by linear(2,3). */
final class TinyData {
    private TinyData() {
    }

    /** {@code n} rows {@code x = (sin i, cos 3i)}, {@code y = i mod 3}, as one dense block. */
    static PackedBlock[] blocks(int n) {
        double[] x = new double[2 * n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = Math.sin(i);
            x[2 * i + 1] = Math.cos(3 * i);
            y[i] = i % 3;
        }
        return new PackedBlock[] {PackedBlock.dense(0, n, 2, 1, x, y)};
    }
}
