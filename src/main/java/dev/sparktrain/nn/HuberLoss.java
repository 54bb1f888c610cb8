package dev.sparktrain.nn;

import dev.sparktrain.config.Options;

import java.util.List;

/**
 * {@code torch.nn.HuberLoss(delta=1.0)}: per element with {@code z = |x - y|}, {@code 0.5·z²}
 * when {@code z < delta}, else {@code delta·(z - 0.5·delta)}; gradient d clamped to
 * [-delta, delta]. It is SmoothL1Loss(beta = delta) times delta.
 */
public final class HuberLoss extends ElementwiseLoss {
    private static final long serialVersionUID = 1L;
    public static final List<String> OPTIONS = List.of("delta", "reduction");

    private final double delta;

    public HuberLoss(Options o, int outputs) {
        super(LossSupport.reduction(o));
        o.requireOnly(OPTIONS);
        LossSupport.requireOutputs(name(), outputs);
        this.delta = o.getDouble("delta", 1.0);
        if (!(delta > 0) || Double.isInfinite(delta)) throw o.error("delta", "must be finite and > 0, got " + delta);
    }

    @Override
    public String name() {
        return "HuberLoss";
    }

    @Override
    double term(double d) {
        double z = Math.abs(d);
        return z < delta ? 0.5 * z * z : delta * (z - 0.5 * delta);
    }

    @Override
    double slope(double d) {
        return d < -delta ? -delta : d > delta ? delta : d;
    }
}
