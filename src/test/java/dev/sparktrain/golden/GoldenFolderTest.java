package dev.sparktrain.golden;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code -Dgolden.dir} points the golden runners at another folder of cases; a test that reads one
 * case by name (a fixture, e.g. SchedulerBehaviourTest's) still gets the bundled copy.
 */
class GoldenFolderTest {
    @Test
    void aCaseReadByNameComesFromTheBundledCopyWhateverGoldenDirSays(@TempDir Path otherCases) {
        String before = System.getProperty("golden.dir");
        System.setProperty("golden.dir", otherCases.toString());
        try {
            assertEquals(otherCases, Golden.dir(), "the runners replay the folder given");
            assertEquals("onecyclelr_cos_three_phase_adam", Golden.read("onecyclelr_cos_three_phase_adam").get("id"));
        } finally {
            if (before == null) System.clearProperty("golden.dir");
            else System.setProperty("golden.dir", before);
        }
    }
}
