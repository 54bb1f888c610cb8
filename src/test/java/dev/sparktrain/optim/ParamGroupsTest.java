package dev.sparktrain.optim;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.golden.Golden;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Several param groups with overrides, against PyTorch cases from tools/golden/gen_optim_extra.py. */
class ParamGroupsTest {

    private static Map<String, Object> extraCase(String id) {
        return Golden.read(Path.of(System.getProperty("project.basedir", "."), "src", "test", "resources",
                "golden-extra", id + ".json"));
    }

    /** adamw_two_groups: W1,b1 take the defaults (lr 0.01, wd 0.1); W2,b2 override lr 0.03, wd 0. */
    @Test
    void adamWTwoGroupsMatchesPyTorch() {
        Map<String, Object> c = extraCase("adamw_two_groups");
        // shapes [4,5],[4],[2,4],[2]: group 0 = [0, 24), group 1 = [24, 34)
        List<GroupSpec> specs = List.of(
                new GroupSpec(new int[] {0}, new int[] {24}, Options.empty("group 0")),
                new GroupSpec(new int[] {24}, new int[] {10}, new Options("group 1", Map.of("lr", 0.03, "weight_decay", 0))));
        Optimizer opt = Optimizers.create("AdamW", new Options("test", Map.of("lr", 0.01, "weight_decay", 0.1)), specs);
        assertEquals(0.01, opt.paramGroups().get(0).lr());
        assertEquals(0.1, opt.paramGroups().get(0).getDouble("weight_decay"));
        assertEquals(0.03, opt.paramGroups().get(1).lr());
        assertEquals(0.0, opt.paramGroups().get(1).getDouble("weight_decay"));
        assertArrayEquals(new double[] {0.9, 0.999}, opt.paramGroups().get(1).getPair("betas"));

        double[] p = Golden.doubles(c.get("params0"));
        double[][] grads = Golden.matrix(c.get("grads"));
        double[][] expected = Golden.matrix(c.get("expected"));
        for (int i = 0; i < grads.length; i++) {
            opt.step(p, grads[i]);
            Golden.assertClose(expected[i], p, 1e-9, 1e-12, "adamw_two_groups step " + i);
        }
        List<?> states = (List<?>) opt.state().get("state");
        assertEquals(2, states.size());
        assertEquals(10, ((double[]) ((Map<?, ?>) states.get(1)).get("exp_avg")).length);
    }

    /** adam_two_groups_interleaved: each group spans two non-adjacent ranges. */
    @Test
    void interleavedRangesMatchPyTorch() {
        Map<String, Object> c = extraCase("adam_two_groups_interleaved");
        List<GroupSpec> specs = List.of(
                new GroupSpec(new int[] {0, 24}, new int[] {20, 8}, Options.empty("group 0")),
                new GroupSpec(new int[] {20, 32}, new int[] {4, 2},
                        new Options("group 1", Map.of("lr", 0.05, "weight_decay", 0, "betas", List.of(0.5, 0.9)))));
        Optimizer opt = Optimizers.create("Adam", new Options("test", Map.of("lr", 0.01, "weight_decay", 0.1, "amsgrad", true)), specs);
        double[] p = Golden.doubles(c.get("params0"));
        double[][] grads = Golden.matrix(c.get("grads"));
        double[][] expected = Golden.matrix(c.get("expected"));
        for (int i = 0; i < grads.length; i++) {
            opt.step(p, grads[i]);
            Golden.assertClose(expected[i], p, 1e-9, 1e-12, "adam_two_groups_interleaved step " + i);
        }
    }

    @Test
    void stateOfAnotherShapeIsRefused() {
        Optimizer two = Optimizers.create("Adam", Options.empty("test"), List.of(
                new GroupSpec(new int[] {0}, new int[] {2}, Options.empty("g0")),
                new GroupSpec(new int[] {2}, new int[] {2}, Options.empty("g1"))));
        two.step(new double[4], new double[] {1, 2, 3, 4});
        Optimizer one = Optimizers.create("Adam", Options.empty("test"), GroupSpec.all(4));
        assertThrows(SparkTrainException.class, () -> one.loadState(two.state()));
        Optimizer other = Optimizers.create("AdamW", Options.empty("test"), List.of(
                new GroupSpec(new int[] {0}, new int[] {2}, Options.empty("g0")),
                new GroupSpec(new int[] {2}, new int[] {2}, Options.empty("g1"))));
        assertThrows(SparkTrainException.class, () -> other.loadState(two.state()));
    }

    /** Schedulers overwrite betas[0] between steps; the next step must use the new value. */
    @Test
    void betasAreReadEveryStep() {
        double[] g = {0.5, -1.0, 2.0};
        Optimizer a = Optimizers.create("Adam", Options.empty("a"), GroupSpec.all(3));
        a.paramGroups().get(0).set("betas", new double[] {0.5, 0.999});
        double[] pa = {1, 2, 3};
        a.step(pa, g);
        Optimizer b = Optimizers.create("Adam", new Options("b", Map.of("betas", List.of(0.5, 0.999))), GroupSpec.all(3));
        double[] pb = {1, 2, 3};
        b.step(pb, g);
        assertArrayEquals(pb, pa);
        // and the class-wide defaults are not shared with (or changed through) a group
        assertNotEquals(0.5, Adam.DEFAULTS.beta1());
    }
}
