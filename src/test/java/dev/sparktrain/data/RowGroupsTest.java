package dev.sparktrain.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Row groups: the rule's sizes, and partitions of whole groups for any partition count. */
class RowGroupsTest {
    @Test
    void theRuleAimsAtRowsPerTouchedGroupAndKeepsSizesInBounds() {
        RowGroups big = RowGroups.forTraining(40_000, 1024, 1_000_000);
        assertEquals(1024 / RowGroups.ROWS_PER_TOUCHED_GROUP, big.count(), "a large model: one group per batch share");
        RowGroups small = RowGroups.forTraining(4_496, 64, 9_610); // the default digits job
        assertTrue(small.count() > 1 && small.count() <= RowGroups.SMALL_MODEL_VALUES / 9_614 + 1, "small model: " + small);
        RowGroups whole = RowGroups.forEvaluation(100_000);
        assertTrue(whole.count() > RowGroups.MAX_GROUPS * 9 / 10 && whole.count() <= RowGroups.MAX_GROUPS, "evaluation: many cheap groups: " + whole);
        RowGroups huge = RowGroups.forTraining(1_000_000_000L, 64, 1_000_000);
        assertTrue(huge.groupRows() <= RowGroups.MAX_ROWS, "groups stay below the block limit: " + huge);
        RowGroups tiny = RowGroups.forTraining(10, 0, 10);
        assertEquals(1, tiny.count());
        assertEquals(10, tiny.groupRows());
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
