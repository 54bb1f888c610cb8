package dev.sparktrain.nn;

/**
 * Scratch buffers for one thread's forward/backward over batches of up to {@code capacity} rows:
 * one activation and one output-gradient buffer per layer. Reused across steps so a training step does
 * not allocate.
 */
final class Workspace {
    final int capacity;
    final double[][] act;
    final double[][] delta;

    Workspace(Sequential model, int capacity) {
        this.capacity = capacity;
        int n = model.layers().size();
        act = new double[n][];
        delta = new double[n][];
        for (int i = 0; i < n; i++) {
            int w = model.layers().get(i).outFeatures();
            act[i] = new double[capacity * w];
            // delta[i] is d(loss)/d(output of layer i), which is also layer i+1's dIn: out_i wide.
            // (Never in_0 wide: the first layer gets no input gradient, so a million-feature
            // input does not cost capacity × 1e6 doubles.)
            delta[i] = new double[capacity * w];
        }
    }
}
