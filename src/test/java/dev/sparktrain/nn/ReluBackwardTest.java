package dev.sparktrain.nn;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * ReLU's branch-free backward gives the bits of {@code y > 0 ? dY : +0} for every output a ReLU
 * can give (+0, subnormals, normals, +inf) and any upstream gradient (signed zeros, infinities,
 * NaN), in both precisions.
 */
class ReluBackwardTest {
    private static final double[] Y = {0.0, Double.MIN_VALUE, 1e-310, 1e-300, 0.5, 1.0, 3e300, Double.MAX_VALUE,
            Double.POSITIVE_INFINITY};
    private static final double[] DY = {0.0, -0.0, 1.5, -1.5, Double.MIN_VALUE, -Double.MIN_VALUE, 1e300, -1e300,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};

    @Test
    void sameBitsAsTheBranchInFloat64() {
        Activation relu = new Activation(Activation.Kind.RELU, 1);
        Random r = new Random(3);
        for (int k = 0; k < 2000; k++) {
            double x = k < Y.length * DY.length ? Y[k % Y.length] : r.nextGaussian() * Math.pow(10, r.nextInt(40) - 20);
            double dy = k < Y.length * DY.length ? DY[k / Y.length] : r.nextGaussian();
            double[] y = new double[1];
            relu.forward(null, 0, new double[] {x}, 0, 1, y);
            double[] dX = new double[1];
            relu.backward(null, 0, new double[] {x}, 0, y, new double[] {dy}, 1, null, dX);
            double want = y[0] > 0 ? dy : 0.0;
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(dX[0]), "y " + y[0] + ", dY " + dy);
        }
    }

    @Test
    void sameBitsAsTheBranchInFloat32() {
        Activation relu = new Activation(Activation.Kind.RELU, 1);
        Random r = new Random(4);
        for (int k = 0; k < 2000; k++) {
            float x = k < Y.length * DY.length ? (float) Y[k % Y.length] : (float) (r.nextGaussian() * Math.pow(10, r.nextInt(20) - 10));
            float dy = k < Y.length * DY.length ? (float) DY[k / Y.length] : (float) r.nextGaussian();
            float[] y = new float[1];
            relu.forward32(null, 0, new float[] {x, -x}, 0, 1, y, Pass.EVAL);
            float[] dX = new float[1];
            relu.backward32(null, 0, new float[] {x}, 0, y, new float[] {dy}, 1, null, dX, Pass.EVAL);
            float want = y[0] > 0 ? dy : 0f;
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(dX[0]), "y " + y[0] + ", dY " + dy);
        }
        // negative inputs give y = +0 and so a +0 gradient whatever dY is
        float[] y = new float[1];
        relu.forward32(null, 0, new float[] {-2f}, 0, 1, y, Pass.EVAL);
        float[] dX = {7f};
        relu.backward32(null, 0, new float[] {-2f}, 0, y, new float[] {-3f}, 1, null, dX, Pass.EVAL);
        assertEquals(0, Float.floatToRawIntBits(dX[0]));
    }
}
