package dev.sparktrain.ml;

import dev.sparktrain.optim.clip.ClipGradNorm;
import dev.sparktrain.optim.clip.ClipGradValue;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The words that switch scheduling and clipping off in a job file mean the same in the ML params: none, 0. */
class SwitchOffParamsTest {
    private static Training.Plan plan(SparkTrainClassifier clf) {
        return Training.plan(clf, 4, 3, 3, true, "t", "features", "label");
    }

    @Test
    void schedulerNoneAndZeroClippingAreOff() {
        Training.Plan off = plan(new SparkTrainClassifier().setScheduler("None").setMaxNorm(0).setNormType(1).setClipValue(0));
        assertNull(off.job().schedulerName());
        assertNull(off.job().newScheduler(off.job().newOptimizer()));
        assertNull(off.job().clipper());
        assertNull(plan(new SparkTrainClassifier()).job().clipper(), "the defaults: no clipping");

        Training.Plan on = plan(new SparkTrainClassifier().setScheduler("StepLR").setSchedulerOptions("step_size=2").setMaxNorm(1));
        assertEquals("StepLR", on.job().schedulerName());
        assertInstanceOf(ClipGradNorm.class, on.job().clipper());
        assertInstanceOf(ClipGradValue.class, plan(new SparkTrainClassifier().setMaxNorm(0).setClipValue(0.5)).job().clipper());
    }
}
