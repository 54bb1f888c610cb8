package dev.sparktrain.nn;

import dev.sparktrain.config.Options;

import java.util.List;

/**
 * {@code torch.nn.SmoothL1Loss(beta=1.0)}: per element with {@code z = |x - y|},
 * {@code 0.5·z²/beta} when {@code z < beta}, else {@code z - 0.5·beta}; gradient {@code d/beta}
 * inside, sign(d) outside. {@code beta = 0} is L1Loss but for the gradient at a tie (see {@link #slope}).
 */
public final class SmoothL1Loss extends ElementwiseLoss {
    private static final long serialVersionUID = 1L;
    public static final List<String> OPTIONS = List.of("beta", "reduction");

    private final double beta;

    public SmoothL1Loss(Options o, int outputs) {
        super(LossSupport.reduction(o));
        o.requireOnly(OPTIONS);
        LossSupport.requireOutputs(name(), outputs);
        this.beta = o.getDouble("beta", 1.0);
        if (!(beta >= 0) || Double.isInfinite(beta)) throw o.error("beta", "must be finite and >= 0, got " + beta);
    }

    @Override
    public String name() {
        return "SmoothL1Loss";
    }

    @Override
    double term(double d) {
        double z = Math.abs(d);
        return z < beta ? 0.5 * z * z / beta : z - 0.5 * beta;
    }

    /** PyTorch 1.13.1's comparisons (<= and >=): with beta = 0 a tie gets -1, not 0/0 (nor L1Loss's 0). */
    @Override
    double slope(double d) {
        return d <= -beta ? -1 : d >= beta ? 1 : d / beta;
    }
}
