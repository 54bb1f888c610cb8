package dev.sparktrain.golden;

import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** kind=optimizer: gradients fed straight to the optimizer, params compared after every step. */
final class OptimizerCases {
    static final double RTOL = 1e-9;
    static final double ATOL = 1e-12;

    private OptimizerCases() {
    }

    static void run(Map<String, Object> c) {
        String id = (String) c.get("id");
        double[][] grads = Golden.matrix(c.get("grads"));
        double[][] expected = Golden.matrix(c.get("expected"));
        double[] params = Golden.doubles(c.get("params0"));
        Optimizer opt = create(c);
        Map<Integer, Double> lrChanges = lrChanges(c);
        List<Map<String, Object>> states = new java.util.ArrayList<>();
        List<double[]> paramsBefore = new java.util.ArrayList<>();
        for (int i = 0; i < grads.length; i++) {
            states.add(opt.state());
            paramsBefore.add(params.clone());
            applyLrChange(opt, lrChanges, i);
            opt.step(params, grads[i]);
            Golden.assertClose(expected[i], params, RTOL, ATOL, id + " step " + i);
        }
        // State round trip at every step: a fresh optimizer loaded there continues bit-identically.
        for (int k = 0; k < grads.length; k++) {
            Optimizer resumed = create(c);
            resumed.loadState(states.get(k));
            double[] p = paramsBefore.get(k).clone();
            for (int i = k; i < grads.length; i++) {
                applyLrChange(resumed, lrChanges, i);
                resumed.step(p, grads[i]);
            }
            assertArrayEquals(params, p, id + ": resumed from state at step " + k + " diverged");
        }
    }

    static Optimizer create(Map<String, Object> c) {
        int size = Golden.doubles(c.get("params0")).length;
        List<GroupSpec> groups = c.get("param_groups") == null ? GroupSpec.all(size) : groupSpecs(c);
        return Optimizers.create((String) c.get("optimizer"), Golden.options(c.get("options"), (String) c.get("id")), groups);
    }

    /**
     * Optional {@code param_groups} (golden-extra cases): each {@code {"tensors": [i...], "options": {...}}}
     * becomes a group over those tensors' flat ranges, in the given order, with those overrides.
     */
    private static List<GroupSpec> groupSpecs(Map<String, Object> c) {
        int[] sizes = Golden.shapeSizes(c.get("param_shapes"));
        int[] starts = new int[sizes.length];
        for (int i = 1; i < sizes.length; i++) starts[i] = starts[i - 1] + sizes[i - 1];
        List<GroupSpec> groups = new java.util.ArrayList<>();
        List<Object> pgs = Golden.list(c.get("param_groups"));
        for (int g = 0; g < pgs.size(); g++) {
            Map<String, Object> pg = Golden.map(pgs.get(g));
            int[] tensors = Golden.ints(pg.get("tensors"));
            int[] offsets = new int[tensors.length];
            int[] lengths = new int[tensors.length];
            for (int k = 0; k < tensors.length; k++) {
                offsets[k] = starts[tensors[k]];
                lengths[k] = sizes[tensors[k]];
            }
            groups.add(new GroupSpec(offsets, lengths, Golden.options(pg.get("options"), c.get("id") + " param group " + g)));
        }
        return groups;
    }

    private static Map<Integer, Double> lrChanges(Map<String, Object> c) {
        Map<Integer, Double> m = new java.util.HashMap<>();
        if (c.get("lr_changes") != null) {
            for (Object o : Golden.list(c.get("lr_changes"))) {
                Map<String, Object> ch = Golden.map(o);
                m.put(((Number) ch.get("before_step")).intValue(), ((Number) ch.get("lr")).doubleValue());
            }
        }
        return m;
    }

    private static void applyLrChange(Optimizer opt, Map<Integer, Double> changes, int step) {
        Double lr = changes.get(step);
        if (lr != null) opt.paramGroups().forEach(g -> g.setLr(lr));
    }
}
