package dev.sparktrain.spark;

import dev.sparktrain.data.DoubleBytes;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the persistent sharded stage sends over its links, written field by field (never Java
 * serialization: nothing on a socket becomes an object by its own say): arrays of doubles in bulk
 * (little-endian),
 * and the optimizer's param groups' hyper-parameters with their exact types, so an owner's
 * {@code setHypers} sees what the driver's optimizer holds.
 */
final class Wire {
    private Wire() {
    }

    static void writeDoubles(DataOutputStream out, double[] v) throws IOException {
        writeEncoded(out, DoubleBytes.encode(v));
    }

    /** Values {@link DoubleBytes#encode}d once (a slice sent to many peers), with their count. */
    static void writeEncoded(DataOutputStream out, byte[] encoded) throws IOException {
        out.writeInt(encoded.length / Double.BYTES);
        out.write(encoded);
    }

    static double[] readDoubles(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) throw new IOException("negative array length " + n);
        byte[] raw = new byte[Math.multiplyExact(n, Double.BYTES)];
        in.readFully(raw);
        double[] v = new double[n];
        DoubleBytes.decode(raw, v);
        return v;
    }

    static void writeInts(DataOutputStream out, int[] v) throws IOException {
        out.writeInt(v.length);
        for (int x : v) out.writeInt(x);
    }

    static int[] readInts(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) throw new IOException("negative array length " + n);
        int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = in.readInt();
        return v;
    }

    /** Param groups' hyper-parameters: doubles, booleans, integers, strings, double arrays (betas) and nulls. */
    static void writeHypers(DataOutputStream out, List<Map<String, Object>> groups) throws IOException {
        out.writeInt(groups.size());
        for (Map<String, Object> g : groups) {
            out.writeInt(g.size());
            for (Map.Entry<String, Object> e : g.entrySet()) {
                out.writeUTF(e.getKey());
                Object v = e.getValue();
                if (v == null) {
                    out.writeByte('N');
                } else if (v instanceof Double d) {
                    out.writeByte('D');
                    out.writeDouble(d);
                } else if (v instanceof Boolean b) {
                    out.writeByte('B');
                    out.writeBoolean(b);
                } else if (v instanceof Integer i) {
                    out.writeByte('I');
                    out.writeInt(i);
                } else if (v instanceof Long l) {
                    out.writeByte('L');
                    out.writeLong(l);
                } else if (v instanceof String s) {
                    out.writeByte('S');
                    out.writeUTF(s);
                } else if (v instanceof double[] a) {
                    out.writeByte('A');
                    writeDoubles(out, a);
                } else {
                    throw new IllegalArgumentException("hyper-parameter " + e.getKey() + ": cannot send a " + v.getClass().getName());
                }
            }
        }
    }

    static List<Map<String, Object>> readHypers(DataInputStream in) throws IOException {
        int groups = in.readInt();
        List<Map<String, Object>> out = new ArrayList<>(groups);
        for (int gi = 0; gi < groups; gi++) {
            int n = in.readInt();
            Map<String, Object> g = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String key = in.readUTF();
                int tag = in.readByte();
                g.put(key, switch (tag) {
                    case 'N' -> null;
                    case 'D' -> in.readDouble();
                    case 'B' -> in.readBoolean();
                    case 'I' -> in.readInt();
                    case 'L' -> in.readLong();
                    case 'S' -> in.readUTF();
                    case 'A' -> readDoubles(in);
                    default -> throw new IOException("hyper-parameter " + key + ": unknown type tag " + tag);
                });
            }
            out.add(g);
        }
        return out;
    }
}
