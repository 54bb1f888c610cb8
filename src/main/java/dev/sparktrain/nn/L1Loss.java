package dev.sparktrain.nn;

import dev.sparktrain.config.Options;

import java.util.List;

/** {@code torch.nn.L1Loss}: mean (or sum) over all n × C elements of {@code |x - y|}; gradient sign(x - y), 0 at a tie. */
public final class L1Loss extends ElementwiseLoss {
    private static final long serialVersionUID = 1L;
    public static final List<String> OPTIONS = List.of("reduction");

    public L1Loss(Options o, int outputs) {
        super(LossSupport.reduction(o));
        o.requireOnly(OPTIONS);
        LossSupport.requireOutputs(name(), outputs);
    }

    @Override
    public String name() {
        return "L1Loss";
    }

    @Override
    double term(double d) {
        return Math.abs(d);
    }

    @Override
    double slope(double d) {
        return Math.signum(d);
    }
}
