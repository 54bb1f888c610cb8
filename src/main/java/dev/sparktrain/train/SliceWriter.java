package dev.sparktrain.train;

import java.io.Serializable;
import java.util.Map;

/**
 * What an owner of the sharded step does with its slice when a checkpoint is due: it runs where
 * the slice lives (an executor), so the slice never travels to the driver; only the small facts
 * it returns do (file name, lengths, checksums, the optimizer's scalars).
 */
@FunctionalInterface
public interface SliceWriter extends Serializable {
    /**
     * Saves slice {@code index}, parameters [from, to), with its optimizer state in the
     * {@code Optimizer.state()} form, buffers cut to the slice ({@code OptimizerShard.state()}).
     * Must be repeatable: a retried task writes the same bytes again.
     *
     * @return facts about what was written, of serializable values only
     */
    Map<String, Object> write(int index, int from, int to, double[] params, Map<String, Object> optimizerState);
}
