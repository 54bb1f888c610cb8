package dev.sparktrain.golden;

import java.util.Map;

/** The only golden cases we deliberately do not match, each with its reason. */
public final class Exclusions {
    private Exclusions() {
    }

    /** Why this case is skipped, or null to run it. */
    public static String reason(Map<String, Object> c) {
        if ("optimizer".equals(c.get("kind")) && "NAdam".equals(c.get("optimizer"))) {
            Object foreach = Golden.map(c.get("options")).get("foreach");
            if (!Boolean.TRUE.equals(foreach)) {
                return "PyTorch 1.13.1's default NAdam path multiplies the momentum product by mu_t twice "
                        + "(fixed in PyTorch 2.0); sparktrain implements the corrected formula, which 1.13.1's "
                        + "foreach path (case nadam_foreach) records";
            }
        }
        if ("train".equals(c.get("kind")) && usesLayer(c, "log_softmax")) {
            // TEMPORARY, losses branch only: the layers branch of issue 15 adds nn/LogSoftmax and its
            // golden/TrainCase mapping; the integrator removes this exclusion when merging both.
            return "needs the log_softmax layer, which this branch does not have yet (issue 15, layers branch)";
        }
        return null;
    }

    private static boolean usesLayer(Map<String, Object> c, String type) {
        return Golden.list(c.get("model")).stream().anyMatch(l -> type.equals(Golden.map(l).get("type")));
    }
}
