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
        return null;
    }
}
