package dev.sparktrain.plan;

import dev.sparktrain.config.Options;
import dev.sparktrain.nn.Sequential;
import dev.sparktrain.train.TrainSettings;

/**
 * A training run as a front end reads it, before anything is built: the network, and the
 * PyTorch names and keyword options of the loss, optimizer, scheduler and clipping.
 *
 * @param biasGroupOptions overrides for a second param group holding every bias, or null for one group
 * @param scheduler        the scheduler's name, or null (or {@value #NONE}) for none
 * @param clipOptions      {@code clip_grad_norm_}/{@code clip_grad_value_} keywords; empty (or max_norm /
 *                         clip_value 0) for no clipping
 */
public record PlanChoices(Sequential model, String loss, Options lossOptions, String optimizer, Options optimizerOptions,
                          Options biasGroupOptions, String scheduler, Options schedulerOptions, Options clipOptions,
                          TrainSettings train) {
    /** The word that switches a scheduler (or clipping) off, in job files, on the command line and in Spark ML. */
    public static final String NONE = "none";

    public PlanChoices {
        if (isNone(scheduler)) scheduler = null;
    }

    /** Whether {@code value} is {@value #NONE} (any case, surrounding blanks ignored). */
    public static boolean isNone(String value) {
        return value != null && value.strip().equalsIgnoreCase(NONE);
    }
}
