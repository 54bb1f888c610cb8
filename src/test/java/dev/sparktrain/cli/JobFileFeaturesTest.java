package dev.sparktrain.cli;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.ParamGroup;
import dev.sparktrain.optim.lr.SchedulerList;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Job-file forms that go beyond key = value: nested scheduler lists and the bias param group. */
class JobFileFeaturesTest {

    @Test
    void schedulerListParsesNamesOptionsAndBracketLists() {
        List<Map<String, Object>> l = SchedulerList.parse(
                "LinearLR(start_factor=0.1, total_iters=5); MultiStepLR(milestones=[2, 4], gamma=0.5);ExponentialLR(gamma=0.9)", "t");
        assertEquals(3, l.size());
        assertEquals("LinearLR", l.get(0).get("scheduler"));
        assertEquals(Map.of("start_factor", "0.1", "total_iters", "5"), l.get(0).get("options"));
        assertEquals(Map.of("milestones", "[2, 4]", "gamma", "0.5"), l.get(1).get("options"));
        assertEquals("ExponentialLR", l.get(2).get("scheduler"));
    }

    @Test
    void schedulerListRefusesGarbageNamingTheKey() {
        SparkTrainException e = assertThrows(SparkTrainException.class, () -> SchedulerList.parse("LinearLR(start_factor", "conf/x.conf:3"));
        assertTrue(e.getMessage().startsWith("conf/x.conf:3: cannot read"), e.getMessage());
        e = assertThrows(SparkTrainException.class, () -> SchedulerList.parse("LinearLR(0.1)", "k"));
        assertTrue(e.getMessage().contains("expected option=value"), e.getMessage());
    }

    @Test
    void warmupCosineJobBuildsSequentialScheduleWithItsLrs() {
        TrainJob job = new TrainJob(Main.parse(new String[] {"conf/digits-warmup-cosine.conf"}));
        ParamGroup g = job.optimizer().paramGroups().get(0);
        assertEquals(0.003 * 0.1, g.lr(), 1e-15, "LinearLR's start factor applies at construction");
        for (int e = 0; e < 3; e++) job.scheduler().step();
        assertEquals(0.003, g.lr(), 1e-12, "after the warm-up milestone the cosine starts at the base lr");
    }

    @Test
    void biasGroupHoldsExactlyTheBiasesWithItsOverrides() {
        TrainJob job = new TrainJob(Main.parse(new String[] {"conf/digits-warmup-cosine.conf"}));
        List<ParamGroup> groups = job.optimizer().paramGroups();
        assertEquals(2, groups.size());
        assertEquals(64 * 128 + 128 * 10, groups.get(0).size());
        assertEquals(128 + 10, groups.get(1).size());
        assertEquals(0.01, groups.get(0).getDouble("weight_decay"));
        assertEquals(0.0, groups.get(1).getDouble("weight_decay"));
        Sequential m = Sequential.parse("linear(64,128), relu, linear(128,10)", "t");
        GroupSpec bias = GroupSpec.of(m.tensorSizes(), m.biasTensors(), true, dev.sparktrain.config.Options.empty("b"));
        assertArrayEquals(new int[] {64 * 128, 64 * 128 + 128 + 128 * 10}, bias.offsets());
        assertArrayEquals(new int[] {128, 10}, bias.lengths());
    }
}
