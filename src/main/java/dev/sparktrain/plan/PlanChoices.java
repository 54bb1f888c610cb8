package dev.sparktrain.plan;

import dev.sparktrain.config.Options;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.train.TrainSettings;

/**
 * A training run as a front end reads it, before anything is built: the network, and the
 * PyTorch names and keyword options of the loss, optimizer, scheduler and clipping.
 *
 * @param biasGroupOptions overrides for a second param group holding every bias, or null for one group
 * @param scheduler        the scheduler's name, or null for none
 * @param clipOptions      {@code clip_grad_norm_}/{@code clip_grad_value_} keywords; empty for no clipping
 */
public record PlanChoices(Sequential model, String loss, Options lossOptions, String optimizer, Options optimizerOptions,
                          Options biasGroupOptions, String scheduler, Options schedulerOptions, Options clipOptions,
                          TrainSettings train) {
}
