package dev.sparktrain.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Doubles as raw float64 bytes, little-endian: the byte order of the machines Spark runs on (so
 * encoding is a plain copy) and of our model files. One codec for everything that moves or stores
 * a vector of doubles: model and checkpoint files, task results, the persistent links.
 */
public final class DoubleBytes {
    private DoubleBytes() {
    }

    public static byte[] encode(double[] v) {
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(v.length, Double.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(v);
        return b.array();
    }

    /** Decodes {@code into.length} doubles from the start of {@code raw}. */
    public static void decode(byte[] raw, double[] into) {
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(into);
    }

    /** Every whole double in {@code raw}. */
    public static double[] decode(byte[] raw) {
        double[] v = new double[raw.length / Double.BYTES];
        decode(raw, v);
        return v;
    }
}
