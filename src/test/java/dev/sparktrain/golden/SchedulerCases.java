package dev.sparktrain.golden;

import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.optim.ParamGroup;
import dev.sparktrain.optim.lr.Scheduler;
import dev.sparktrain.optim.lr.Schedulers;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * kind=scheduler: one optimizer over a dummy parameter, optimizer.step() then scheduler.step(),
 * lr (and momentum / betas[0]) recorded after each; then a state round trip at half-way.
 */
final class SchedulerCases {
    static final double RTOL = 1e-9;
    static final double ATOL = 1e-15;

    private SchedulerCases() {
    }

    static void run(Map<String, Object> c) {
        String id = (String) c.get("id");
        int steps = ((Number) c.get("steps")).intValue();
        double[] expectedLr = Golden.doubles(c.get("lr"));
        double[] expectedMom = c.get("momentum") == null ? null : Golden.doubles(c.get("momentum"));
        String momKey = (String) c.get("momentum_key");
        double[] metrics = c.get("metrics") == null ? null : Golden.doubles(c.get("metrics"));

        Optimizer opt = optimizer(c);
        Scheduler sched = Schedulers.create((String) c.get("scheduler"), opt, Golden.options(c.get("options"), id));
        double[] p = {0.5};
        double[] g = {0.25};
        int half = steps / 2;
        Map<String, Object> optState = null;
        Map<String, Object> schedState = null;
        double[] lrs = new double[steps + 1];
        lrs[0] = lr(opt);
        check(id, 0, expectedLr, expectedMom, momKey, opt);
        for (int i = 0; i < steps; i++) {
            if (i == half) {
                optState = opt.state();
                schedState = sched.state();
            }
            opt.step(p, g);
            sched.step(metrics == null ? Double.NaN : metrics[i]);
            lrs[i + 1] = lr(opt);
            check(id, i + 1, expectedLr, expectedMom, momKey, opt);
        }
        Optimizer opt2 = optimizer(c);
        Scheduler sched2 = Schedulers.create((String) c.get("scheduler"), opt2, Golden.options(c.get("options"), id));
        opt2.loadState(optState);
        sched2.loadState(schedState);
        for (int i = half; i < steps; i++) {
            opt2.step(p.clone(), g);
            sched2.step(metrics == null ? Double.NaN : metrics[i]);
            assertEquals(lrs[i + 1], lr(opt2), 0.0, id + ": lr after resuming at " + half + ", step " + i);
        }
    }

    private static Optimizer optimizer(Map<String, Object> c) {
        Map<String, Object> o = Golden.map(c.get("optimizer"));
        return Optimizers.create((String) o.get("name"), Golden.options(o.get("options"), c.get("id") + " optimizer"),
                GroupSpec.all(1));
    }

    private static double lr(Optimizer opt) {
        return opt.paramGroups().get(0).lr();
    }

    private static void check(String id, int i, double[] lr, double[] mom, String momKey, Optimizer opt) {
        ParamGroup g = opt.paramGroups().get(0);
        Golden.assertClose(lr[i], g.lr(), RTOL, ATOL, id + " lr[" + i + "]");
        if (mom != null) {
            double m = "betas[0]".equals(momKey) ? g.getPair("betas")[0] : g.getDouble(momKey);
            Golden.assertClose(mom[i], m, RTOL, ATOL, id + " " + momKey + "[" + i + "]");
        }
    }
}
