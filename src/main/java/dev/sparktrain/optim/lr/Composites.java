package dev.sparktrain.optim.lr;

import dev.sparktrain.SparkTrainException;
import dev.sparktrain.optim.Optimizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What SequentialLR and ChainedScheduler share: their interval, and their children's states. */
final class Composites {
    private Composites() {
    }

    /** A composite runs per step if any child does. */
    static Scheduler.Interval intervalOf(List<? extends Scheduler> children) {
        for (Scheduler s : children) if (s.naturalInterval() == Scheduler.Interval.STEP) return Scheduler.Interval.STEP;
        return Scheduler.Interval.EPOCH;
    }

    static Optimizer optimizerOf(Scheduler s) {
        if (s instanceof LRScheduler l) return l.optimizer();
        if (s instanceof SequentialLR q) return q.optimizer();
        if (s instanceof ChainedScheduler c) return c.optimizer();
        if (s instanceof ReduceLROnPlateau p) return p.optimizer();
        throw new SparkTrainException("cannot tell the optimizer of " + s.getClass().getName());
    }

    static List<Object> states(List<? extends Scheduler> children) {
        List<Object> out = new ArrayList<>();
        for (Scheduler s : children) out.add(s.state());
        return out;
    }

    static void checkState(String who, Map<String, Object> m, List<? extends Scheduler> children) {
        if (!who.equals(m.get("scheduler"))) {
            throw new SparkTrainException(who + " state: saved by scheduler '" + m.get("scheduler") + "'");
        }
        if (!(m.get("schedulers") instanceof List<?> l) || l.size() != children.size()) {
            throw new SparkTrainException(who + " state: expected " + children.size() + " child scheduler states");
        }
    }

    @SuppressWarnings("unchecked")
    static void loadStates(List<? extends Scheduler> children, Map<String, Object> m) {
        List<Object> l = (List<Object>) m.get("schedulers");
        for (int i = 0; i < children.size(); i++) children.get(i).loadState((Map<String, Object>) l.get(i));
    }
}
