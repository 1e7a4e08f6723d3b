package org.mtl4j.architectures;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The tree syntax: parsing, canonical order, and a one-line error naming the culprit for every malformed tree. */
class BranchTreeTest {

    private static final List<String> TASKS = List.of("seg", "depth_m", "nrm.v2", "key-pts");

    @Test
    void parsesMultiLetterTaskNames() {
        BranchTree t = BranchTree.parse(" seg+depth_m+nrm.v2+key-pts | seg+depth_m / nrm.v2+key-pts |"
                + " seg/depth_m/nrm.v2/key-pts ");
        assertEquals("seg+depth_m+nrm.v2+key-pts|seg+depth_m/nrm.v2+key-pts|seg/depth_m/nrm.v2/key-pts",
                t.toString());
        assertEquals(3, t.stageCount());
        assertEquals(List.of(List.of("seg", "depth_m"), List.of("nrm.v2", "key-pts")), t.branches(1));
        assertEquals(1, t.branchOf(1, "key-pts"));
        assertEquals(1, t.parentOf(2, 3));
        assertEquals(0, t.parentOf(1, 1));
        assertEquals(1 + 2 + 4, t.branchCount());
        assertEquals(t, BranchTree.parse(t.toString()));
        assertFalse(t.fullyShared());
        assertTrue(BranchTree.parse("a+b|a+b").fullyShared());
    }

    @Test
    void validationPutsTasksAndBranchesInTheNetworksOrder() {
        BranchTree t = BranchTree.parse("key-pts+nrm.v2/depth_m+seg|key-pts/nrm.v2/seg+depth_m");
        BranchTree canonical = t.validate(TASKS, 2, "resnet");
        assertEquals("seg+depth_m/nrm.v2+key-pts|seg+depth_m/nrm.v2/key-pts", canonical.toString());
        assertEquals(TASKS, canonical.tasks());
        assertEquals(BranchTree.shared(TASKS, 2), BranchTree.parse(String.join("+", TASKS) + "|"
                + String.join("+", TASKS)));
        assertEquals("seg/depth_m/nrm.v2/key-pts|seg/depth_m/nrm.v2/key-pts",
                BranchTree.independent(TASKS, 2).toString());
    }

    @Test
    void aBranchThatStraddlesTwoBranchesOfTheStageBeforeIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BranchTree.parse("a+b/c+d|a+c/b/d"));
        assertEquals("branched tree 'a+b/c+d|a+c/b/d': branch 'a+c' of stage 1 straddles branches 'a+b' and 'c+d' "
                + "of stage 0 (each branch must lie inside one branch of the stage before)", e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void malformedTreesAreNamed() {
        assertMessage("a+b||a/b", "stage 1 is empty");
        assertMessage("a+b|a//b", "stage 1 has an empty branch");
        assertMessage("a++b|a/b", "branch 'a++b' of stage 0 has an empty task name");
        assertMessage("a+b*|a/b*", "'b*' at stage 0 is not a task name");
        assertMessage("a,b|a/b", "'a,b' at stage 0 is not a task name");
        assertMessage("a+a|a", "task 'a' appears twice at stage 0");
        assertMessage("a+b+c|a+b", "stage 1 does not place task 'c', which stage 0 places");
        assertMessage("a+b|a/b/c", "task 'c' is at stage 1 but not at stage 0");
        assertMessage("", "branched tree is empty");
    }

    @Test
    void unknownAndMissingTasksAndTheWrongNumberOfStagesAreNamed() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> BranchTree.parse("seg+dep|seg/dep").validate(List.of("seg", "depth"), 2, "resnet(width=4)"));
        assertEquals("branched tree 'seg+dep|seg/dep': unknown task 'dep' (the tasks are seg, depth)",
                unknown.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> BranchTree.parse("seg|seg").validate(List.of("seg", "depth"), 2, "resnet(width=4)"));
        assertTrue(missing.getMessage().contains("task 'depth' is missing"), missing.getMessage());
        IllegalArgumentException stages = assertThrows(IllegalArgumentException.class,
                () -> BranchTree.parse("seg+depth|seg+depth|seg/depth").validate(List.of("seg", "depth"), 2,
                        "resnet(width=4)"));
        assertEquals("branched tree 'seg+depth|seg+depth|seg/depth' has 3 stages but encoder resnet(width=4) has 2: "
                + "give one partition per stage, separated by '|'", stages.getMessage());
    }

    private static void assertMessage(String tree, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BranchTree.parse(tree));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
