package dev.sparktrain.plan;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.config.Options;
import dev.sparktrain.nn.Losses;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.optim.GroupSpec;
import dev.sparktrain.optim.Optimizer;
import dev.sparktrain.optim.Optimizers;
import dev.sparktrain.store.Checkpoint;
import dev.sparktrain.train.TrainSettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A checkpoint written before the PyTorch spelling ({@code linear(6,4), relu}) resumes the same model. */
class PlanResumeSpellingTest {
    private static final Sequential MODEL = Sequential.parse("Linear(6, 4), ReLU(), Linear(4, 3)", "m");

    private static JobPlan plan(Sequential model) {
        Options sgd = new Options("optimizer", Map.of("lr", 0.1));
        return new JobPlan(model, Losses.create("CrossEntropyLoss", Options.empty("loss"), 3), Options.empty("loss"), "SGD", sgd,
                GroupSpec.all(model.paramCount()), null, null, null, new TrainSettings(2, 4, false, 0, null));
    }

    private static Checkpoint saved(String spec) {
        Optimizer o = Optimizers.create("SGD", new Options("optimizer", Map.of("lr", 0.1)), GroupSpec.all(43));
        return new Checkpoint(1, 5, spec, new int[] {24, 4, 12, 3}, "CrossEntropyLoss", new double[43], o.state(), null, null,
                null, Map.of(), List.of());
    }

    @Test
    void oldSpellingOfTheSameModelResumes() {
        assertEquals(5, PlanResume.restore(plan(MODEL), null, saved("linear(6,4), relu, linear(4,3)")).checkpoint().step());
        assertEquals(5, PlanResume.restore(plan(MODEL), null, saved(MODEL.spec())).checkpoint().step());
    }

    @Test
    void anotherModelWithTheSameSizesIsStillRefused() {
        SparkTrainException e = assertThrows(SparkTrainException.class,
                () -> PlanResume.restore(plan(MODEL), null, saved("linear(6,4), tanh, linear(4,3)")));
        assertTrue(e.getMessage().startsWith("saved for model linear(6,4), tanh, linear(4,3) (43 parameters), the job's model is "
                + "Linear(6, 4), ReLU(), Linear(4, 3)"), e.getMessage());
        assertThrows(SparkTrainException.class, () -> PlanResume.restore(plan(MODEL), null, saved("not a model")));
    }
}
