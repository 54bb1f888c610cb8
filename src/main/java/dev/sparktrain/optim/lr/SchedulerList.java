package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The job-file form of SequentialLR's / ChainedScheduler's {@code schedulers} list:
 * {@code LinearLR(start_factor=0.1, total_iters=5); CosineAnnealingLR(T_max=25)} — children
 * separated by ';', options as PyTorch keywords, lists in brackets ({@code milestones=[2,4]}).
 * Turned into the list of {scheduler, options} maps the scheduler factory takes.
 */
public final class SchedulerList {
    private SchedulerList() {
    }

    public static List<Map<String, Object>> parse(String text, String where) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String child : text.split(";")) {
            String c = child.strip();
            if (c.isEmpty()) continue;
            int open = c.indexOf('(');
            String name = (open < 0 ? c : c.substring(0, open)).strip();
            if (!name.matches("[A-Za-z][A-Za-z0-9_]*") || (open >= 0 && !c.endsWith(")"))) {
                throw new SparkTrainException(where + ": cannot read '" + c + "'; expected Name(option=value, ...) entries "
                        + "separated by ';', e.g. LinearLR(start_factor=0.1, total_iters=5); CosineAnnealingLR(T_max=25)");
            }
            Map<String, Object> options = new LinkedHashMap<>();
            if (open >= 0) {
                for (String kv : splitTopLevel(c.substring(open + 1, c.length() - 1))) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) throw new SparkTrainException(where + ": in " + name + ": expected option=value, got '" + kv + "'");
                    options.put(kv.substring(0, eq).strip(), kv.substring(eq + 1).strip());
                }
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("scheduler", name);
            entry.put("options", options);
            out.add(entry);
        }
        if (out.isEmpty()) throw new SparkTrainException(where + ": no schedulers listed");
        return out;
    }

    /** Splits on commas outside brackets. */
    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '[' || ch == '(') depth++;
            if (ch == ']' || ch == ')') depth--;
            if (ch == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts.stream().map(String::strip).filter(p -> !p.isEmpty()).toList();
    }
}
