package dev.sparktrain.spark;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver's end of a barrier stage's links: only the stage's tasks get in, each on its partition's link. */
class ControlLinksTest {
    @Test
    void strangersAreDroppedAndEachTaskGetsItsPartitionsLink() throws Exception {
        try (ControlLinks links = new ControlLinks(SameBitsBackendTest.jsc(), 2)) {
            int[] hello = new int[2];
            CompletableFuture<Void> running = new CompletableFuture<>();
            try (Socket stranger = connect(links, links.token + 1, 0, -1);
                 Socket second = connect(links, links.token, 1, 71);
                 Socket impostor = connect(links, links.token, 1, 99); // partition 1 is taken by then
                 Socket first = connect(links, links.token, 0, 70)) {
                links.accept(running, (p, in) -> hello[p] = in.readInt());
                assertEquals(70, hello[0]);
                assertEquals(71, hello[1]);
                for (int p = 0; p < 2; p++) {
                    links.out[p].writeInt(100 + p);
                    links.out[p].flush();
                }
                assertEquals(100, new DataInputStream(first.getInputStream()).readInt());
                assertEquals(101, new DataInputStream(second.getInputStream()).readInt());
                assertEquals(-1, stranger.getInputStream().read(), "the stranger's connection is closed");
                assertEquals(-1, impostor.getInputStream().read(), "a second task on a linked partition is closed");
            }
        }
    }

    @Test
    void aStageThatEndsBeforeItsTasksConnectSaysWhy() throws Exception {
        try (ControlLinks links = new ControlLinks(SameBitsBackendTest.jsc(), 2)) {
            CompletableFuture<Void> failed = CompletableFuture.failedFuture(new IllegalStateException("executor lost\nmore lines"));
            IOException e = assertThrows(IOException.class, () -> links.accept(failed, (p, in) -> { }));
            assertTrue(e.getMessage().endsWith("before every partition connected: executor lost"), e.getMessage());
        }
    }

    /** A task's opening: the token, its partition and, when not negative, one int of hello. */
    private static Socket connect(ControlLinks links, long token, int partition, int hello) throws IOException {
        Socket s = new Socket(links.host, links.port());
        DataOutputStream o = new DataOutputStream(s.getOutputStream());
        o.writeLong(token);
        o.writeInt(partition);
        if (hello >= 0) o.writeInt(hello);
        o.flush();
        return s;
    }
}
