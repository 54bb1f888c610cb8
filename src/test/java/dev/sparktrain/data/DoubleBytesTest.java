package dev.sparktrain.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class DoubleBytesTest {
    @Test
    void float64LittleEndianAsModelFilesAndPyTorchWriteThem() {
        // 1.0 is 0x3FF0000000000000, -2.0 is 0xC000000000000000: lowest byte first
        byte[] b = DoubleBytes.encode(new double[] {1.0, -2.0});
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, (byte) 0xF0, 0x3F, 0, 0, 0, 0, 0, 0, 0, (byte) 0xC0}, b);
    }

    @Test
    void roundTripKeepsEveryBitIncludingNaNPayloadsAndSignedZero() {
        double[] v = {0.1, -0.0, Double.MIN_VALUE, Double.MAX_VALUE, Double.NEGATIVE_INFINITY,
                Double.longBitsToDouble(0x7ff0000000000123L), Math.PI};
        double[] back = DoubleBytes.decode(DoubleBytes.encode(v));
        assertEquals(v.length, back.length);
        for (int i = 0; i < v.length; i++) assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(back[i]), "value " + i);
    }

    @Test
    void decodeIntoReadsOnlyWhatTheArrayHolds() {
        double[] into = new double[1];
        DoubleBytes.decode(DoubleBytes.encode(new double[] {3.5, 7}), into);
        assertEquals(3.5, into[0]);
        assertEquals(0, DoubleBytes.decode(new byte[7]).length); // no whole double
    }
}
