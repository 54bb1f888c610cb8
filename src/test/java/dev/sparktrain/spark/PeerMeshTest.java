package dev.sparktrain.spark;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The task-to-task links count what they put on the wire (Spark's task metrics cannot see it). */
class PeerMeshTest {
    @Test
    void bytesSentAreWhatCrossesALinkAndNothingForOneself() throws Exception {
        PeerMesh a = new PeerMesh(0, 2, 7, "127.0.0.1");
        PeerMesh b = new PeerMesh(1, 2, 7, "127.0.0.1");
        try (a; b) {
            String[] hosts = {"127.0.0.1", "127.0.0.1"};
            int[] ports = {a.port(), b.port()};
            a.connect(hosts, ports, 10_000);
            b.connect(hosts, ports, 10_000);
            assertEquals(8 + 4, a.bytesSent(), "the handshake: token and partition");
            double[] v = new double[1000];
            for (int i = 0; i < v.length; i++) v[i] = i * 0.5 - 7;
            a.sendSlice(1, 3, v, null);
            a.sendSlice(0, 3, v, null); // to itself: queued, not sent
            assertEquals(12 + 4 + 4 + 4 + 8 * 1000, a.bytesSent(), "kind, step, count and the values");
            assertArrayEquals(v, b.takeSlice(3, 10_000).values());
            assertArrayEquals(v, a.takeSlice(3, 10_000).values());
        }
    }
}
