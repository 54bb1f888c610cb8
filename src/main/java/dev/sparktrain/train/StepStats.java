package dev.sparktrain.train;

/**
 * One optimizer step's figures, for per-step metrics.
 *
 * @param epoch    1-based epoch
 * @param step     optimizer steps taken so far, this one included (1-based, counted over the run)
 * @param loss     the batch's mean loss, before the step
 * @param gradNorm the gradient norm before clipping
 * @param lr       the lr of every param group used by this step
 * @param rows     rows in the batch
 * @param seconds  wall time of the step
 */
public record StepStats(int epoch, long step, double loss, double gradNorm, double[] lr, long rows, double seconds) {
}
