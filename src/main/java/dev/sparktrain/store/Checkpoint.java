package dev.sparktrain.store;

import java.util.List;
import java.util.Map;

/**
 * Everything needed to continue a run after {@code epoch} completed epochs
 * (docs/CHECKPOINT_FORMAT.md). The shuffle order of an epoch and the validation split are pure
 * functions of (seed, epoch) and (seed, row) ({@link dev.sparktrain.data.EpochOrder}), so the
 * epoch counter and the seed in {@code job} are the whole random state; there is no generator
 * state to save.
 *
 * @param epoch         completed epochs (the run continues with epoch {@code epoch + 1})
 * @param step          optimizer steps taken so far
 * @param model         the layer spec ({@code Sequential.spec()})
 * @param tensorSizes   sizes of the parameter tensors, in order
 * @param loss          the loss name
 * @param params        the flat parameters after {@code epoch} epochs
 * @param optimizer     {@code Optimizer.state()}
 * @param scheduler     {@code Scheduler.state()}, or null without a scheduler
 * @param earlyStopping {@link EarlyStopping#state()}, or null without early stopping
 * @param data          facts about the data the run trained on (rows, standardization), for checks
 * @param job           the resolved job configuration (every key = value)
 * @param metrics       one map per completed epoch, as in metrics.jsonl
 */
public record Checkpoint(int epoch, long step, String model, int[] tensorSizes, String loss, double[] params,
                         Map<String, Object> optimizer, Map<String, Object> scheduler,
                         Map<String, Object> earlyStopping, DataFacts data, Map<String, String> job,
                         List<Map<String, Object>> metrics) {
}
