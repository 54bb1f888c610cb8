package dev.sparktrain.optim;

import java.util.Map;

/**
 * The hyper-parameters of one param group as an optimizer takes them: an immutable record per
 * optimizer. {@link #toMap()} is its param-group form (PyTorch's keys and order), which the state
 * dict saves and schedulers change; each record's static {@code from(Map)} reads that form back.
 */
public interface OptimizerSettings {
    double lr();

    /** PyTorch's param-group dict: numbers as Double, flags as Boolean, betas as a double[2]. */
    Map<String, Object> toMap();

    /** Refuses a value out of PyTorch's range in one line naming {@code where}, the key, value and rule. */
    void validate(String where);
}
