package dev.sparktrain.nn;

import dev.sparktrain.config.Options;

import java.util.List;

/** {@code torch.nn.MSELoss}: mean (or sum) over all n × C elements of {@code (x - y)²}. */
public final class MSELoss implements Loss {
    private static final long serialVersionUID = 1L;
    public static final List<String> OPTIONS = List.of("reduction");

    private final Reduction reduction;

    public MSELoss(Options o, int outputs) {
        o.requireOnly(OPTIONS);
        this.reduction = LossSupport.reduction(o);
        LossSupport.requireOutputs(name(), outputs);
    }

    @Override
    public Reduction reduction() {
        return reduction;
    }

    @Override
    public String name() {
        return "MSELoss";
    }

    @Override
    public Task task() {
        return Task.REGRESSION;
    }

    @Override
    public double sumAndGradient(double[] out, int n, int c, double[] y, int yOff, double[] dOut) {
        if (dOut == null) return sum(out, n, c, y, yOff);
        final int len = n * c;
        double s = 0;
        for (int i = 0; i < len; i++) {
            double d = out[i] - y[yOff + i];
            s += d * d;
            dOut[i] = 2 * d;
        }
        return s;
    }

    /** Row r's squared errors times w_r, element by element (w_r = 1 gives the unweighted sums' bits). */
    @Override
    public double sumAndGradient(double[] out, int n, int c, double[] y, int yOff, double[] w, int wOff, double[] dOut) {
        double s = 0;
        for (int r = 0, i = 0; r < n; r++) {
            final double wr = w[wOff + r];
            for (int j = 0; j < c; j++, i++) {
                double d = out[i] - y[yOff + i];
                s += wr * d * d;
                if (dOut != null) dOut[i] = 2 * d * wr;
            }
        }
        return s;
    }


    /** The sum alone: evaluation skips the gradient stores. */
    @Override
    public double sum(double[] out, int n, int c, double[] y, int yOff) {
        final int len = n * c;
        double s = 0;
        for (int i = 0; i < len; i++) {
            double d = out[i] - y[yOff + i];
            s += d * d;
        }
        return s;
    }
}
