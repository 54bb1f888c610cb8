package dev.sparktrain.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Row groups: the rule's sizes, and partitions of whole groups for any partition count. */
class RowGroupsTest {
    @Test
    void theRuleAimsAtRowsPerTouchedGroupAndKeepsSizesInBounds() {
        assertEquals(2, RowGroups.forTraining(40_000, 1024).count(), "one group per 512 batch rows");
        assertEquals(1, RowGroups.forTraining(4_496, 64).count(), "the default digits job: one group");
        RowGroups whole = RowGroups.forEvaluation(100_000);
        assertEquals(196, whole.count(), "evaluation and full batch: groups of about 512 rows");
        RowGroups huge = RowGroups.forTraining(1_000_000_000L, 64);
        assertTrue(huge.groupRows() <= RowGroups.MAX_ROWS, "groups stay below the block limit: " + huge);
        assertEquals(RowGroups.MAX_GROUPS, RowGroups.forTraining(10_000_000, 0).count(), "at most 4096 groups");
        RowGroups tiny = RowGroups.forTraining(10, 0);
        assertEquals(1, tiny.count());
        assertEquals(10, tiny.groupRows());
        assertEquals(4, new RowGroups(100_000, 2000).leavesPerGroup(), "4 leaves of 512 rows, a power of two");
        assertEquals(8, new RowGroups(100_000, 2600).leavesPerGroup(), "6 leaves rounded up to 8");
    }

    @Test
    void partitionsHoldWholeGroupsInOrderForAnyCount() {
        RowGroups g = new RowGroups(1000, 64); // 16 groups, the last one short
        for (int parts : new int[] {1, 2, 3, 5, 16, 17, 40}) {
            long next = 0;
            for (int p = 0; p < parts; p++) {
                long a = g.partitionStart(p, parts);
                long b = p + 1 < parts ? g.partitionStart(p + 1, parts) : 1000;
                assertEquals(next, a);
                assertTrue(g.aligned(a, b - a), "partition " + p + " of " + parts);
                for (long row = a; row < b; row += 7) assertEquals(p, g.partitionOf(row, parts));
                next = b;
            }
            assertEquals(1000, next);
        }
    }
}
