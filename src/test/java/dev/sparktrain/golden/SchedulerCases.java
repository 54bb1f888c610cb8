package dev.sparktrain.golden;

import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.optim.ParamGroup;
import dev.sparktrain.optim.lr.Scheduler;
import dev.sparktrain.optim.lr.Schedulers;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * kind=scheduler: one optimizer over a dummy parameter, optimizer.step() then scheduler.step(),
 * lr (and momentum / betas[0]) recorded after each; then a state round trip at every step.
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
        double[][] lrGroups = c.get("lr_groups") == null ? null : Golden.matrix(c.get("lr_groups"));

        Optimizer opt = optimizer(c);
        Scheduler sched = Schedulers.create((String) c.get("scheduler"), opt, Golden.options(c.get("options"), id));
        int size = paramCount(c);
        double[] p = new double[size];
        double[] g = new double[size];
        java.util.Arrays.fill(p, 0.5);
        java.util.Arrays.fill(g, 0.25);
        List<Map<String, Object>> optStates = new java.util.ArrayList<>();
        List<Map<String, Object>> schedStates = new java.util.ArrayList<>();
        double[] lrs = new double[steps + 1];
        double[] moms = new double[steps + 1];
        lrs[0] = lr(opt);
        moms[0] = momentum(opt);
        check(id, 0, expectedLr, expectedMom, momKey, opt);
        checkGroups(id, 0, lrGroups, opt);
        for (int i = 0; i < steps; i++) {
            optStates.add(opt.state());
            schedStates.add(sched.state());
            opt.step(p, g);
            sched.step(metrics == null ? Double.NaN : metrics[i]);
            lrs[i + 1] = lr(opt);
            moms[i + 1] = momentum(opt);
            check(id, i + 1, expectedLr, expectedMom, momKey, opt);
            checkGroups(id, i + 1, lrGroups, opt);
        }
        // State round trip at every step: fresh optimizer + scheduler loaded there continue exactly.
        for (int k = 0; k < steps; k++) {
            Optimizer opt2 = optimizer(c);
            Scheduler sched2 = Schedulers.create((String) c.get("scheduler"), opt2, Golden.options(c.get("options"), id));
            opt2.loadState(optStates.get(k));
            sched2.loadState(schedStates.get(k));
            for (int i = k; i < steps; i++) {
                opt2.step(p.clone(), g);
                sched2.step(metrics == null ? Double.NaN : metrics[i]);
                assertEquals(lrs[i + 1], lr(opt2), 0.0, id + ": lr after resuming at " + k + ", step " + i);
                assertEquals(moms[i + 1], momentum(opt2), 0.0, id + ": momentum after resuming at " + k + ", step " + i);
                checkGroups(id + " (resumed)", i + 1, lrGroups, opt2);
            }
        }
    }

    /** The cycled momentum (SGD momentum or Adam's betas[0]), NaN if the optimizer has neither. */
    private static double momentum(Optimizer opt) {
        ParamGroup g = opt.paramGroups().get(0);
        if (g.has("momentum")) return g.getDouble("momentum");
        if (g.has("betas")) return g.getPair("betas")[0];
        return Double.NaN;
    }

    private static Optimizer optimizer(Map<String, Object> c) {
        Map<String, Object> o = Golden.map(c.get("optimizer"));
        return Optimizers.create((String) o.get("name"), Golden.options(o.get("options"), c.get("id") + " optimizer"),
                groups(c));
    }

    /** One dummy scalar, or (extra cases) {@code param_groups} over the tensors of {@code param_shapes}. */
    private static List<GroupSpec> groups(Map<String, Object> c) {
        if (c.get("param_groups") == null) return GroupSpec.all(1);
        int[] sizes = Golden.shapeSizes(c.get("param_shapes"));
        int[] starts = new int[sizes.length];
        for (int i = 1; i < sizes.length; i++) starts[i] = starts[i - 1] + sizes[i - 1];
        List<GroupSpec> specs = new ArrayList<>();
        for (Object o : Golden.list(c.get("param_groups"))) {
            Map<String, Object> grp = Golden.map(o);
            int[] tensors = Golden.ints(grp.get("tensors"));
            int[] offsets = new int[tensors.length];
            int[] lengths = new int[tensors.length];
            for (int k = 0; k < tensors.length; k++) {
                offsets[k] = starts[tensors[k]];
                lengths[k] = sizes[tensors[k]];
            }
            specs.add(new GroupSpec(offsets, lengths, Golden.options(grp.get("options"), c.get("id") + " param group")));
        }
        return specs;
    }

    private static int paramCount(Map<String, Object> c) {
        if (c.get("param_shapes") == null) return 1;
        int n = 0;
        for (int s : Golden.shapeSizes(c.get("param_shapes"))) n += s;
        return n;
    }

    private static void checkGroups(String id, int i, double[][] lrGroups, Optimizer opt) {
        if (lrGroups == null) return;
        List<ParamGroup> gs = opt.paramGroups();
        if (gs.size() != lrGroups.length) throw new AssertionError(id + ": " + gs.size() + " param groups, expected " + lrGroups.length);
        for (int k = 0; k < gs.size(); k++) {
            Golden.assertClose(lrGroups[k][i], gs.get(k).lr(), RTOL, ATOL, id + " group " + k + " lr[" + i + "]");
        }
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
