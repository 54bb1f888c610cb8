package dev.sparktrain.spark;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What the driver decided about a step's gradient: nothing yet, skip it (a non-finite loss), or
 * update with this clip norm and these param groups' hyper-parameters. The sharded step's job path
 * keeps one pending; a persistent stage sends it with the next step or the end ({@link Wire}).
 */
record StepDecision(int kind, double norm, List<Map<String, Object>> hypers) implements Serializable {
    static final int NONE = 0;
    static final int UPDATE = 1;
    static final int SKIP = 2;
    static final StepDecision NOTHING = new StepDecision(NONE, 0, null);
    static final StepDecision SKIPPED = new StepDecision(SKIP, 0, null);

    static StepDecision update(double norm, List<Map<String, Object>> hypers) {
        return new StepDecision(UPDATE, norm, List.copyOf(hypers));
    }

    boolean isUpdate() {
        return kind == UPDATE;
    }

    void writeTo(DataOutputStream o) throws IOException {
        o.writeInt(kind);
        if (kind == UPDATE) {
            o.writeDouble(norm);
            Wire.writeHypers(o, hypers);
        }
    }

    static StepDecision readFrom(DataInputStream in) throws IOException {
        int kind = in.readInt();
        return switch (kind) {
            case NONE -> NOTHING;
            case SKIP -> SKIPPED;
            case UPDATE -> new StepDecision(UPDATE, in.readDouble(), Wire.readHypers(in));
            default -> throw new IOException("unknown step decision " + kind);
        };
    }
}
