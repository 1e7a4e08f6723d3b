package org.mtl4j.grouping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MeasuredLossesTest {

    private static final String HEADER = "setting,split,tasks,network_size,cost,s,d,n";

    private static String error(String... lines) {
        return assertThrows(IllegalArgumentException.class, () -> MeasuredLosses.parse(List.of(lines), "x.csv"))
                .getMessage();
    }

    @Test
    void readsAllFourSharedSettings() {
        for (int k = 1; k <= 4; k++) {
            MeasuredLosses d = SharedData.setting(k);
            assertEquals(String.valueOf(k), d.setting());
            assertEquals(5, d.tasks().size());
            assertEquals(Set.of("val", "test"), Set.copyOf(d.splits().asList().subList(0, 2)));
            assertEquals(36, d.split("val").candidates().size());
            assertEquals(36, d.split("test").candidates().size());
            assertEquals(k == 4 ? 35 : 36, d.earlyStoppingSplit().candidates().size());
        }
        MeasuredLosses s1 = SharedData.setting(1);
        assertEquals(List.of("s", "d", "n", "k", "e"), s1.tasks());
        Candidate half = s1.split("val").candidate("s(half)");
        assertEquals(0.5, half.cost());
        assertEquals(0.08021, half.loss("s"));
        Candidate nke = s1.split("test").candidate("nke");
        assertEquals(Set.of("n", "k", "e"), nke.tasks());
        assertEquals(0.02566, nke.loss("e"));
        assertEquals(List.of("a", "n", "o", "r", "c"), SharedData.setting(4).tasks());
        assertTrue(SharedData.setting(3).earlyStoppingSplit().candidate("sdnke").serves("k"));
    }

    @Test
    void namesFollowColumnOrderAndEmptyCellsOfMembersAreAuxiliary() {
        MeasuredLosses d = MeasuredLosses.parse(List.of(HEADER, "1,val,ns,full,1,0.3,,0.4", "1,val,d,half,0.5,,0.2,",
                "1,val,nsd,full,1,0.1,,0.5"), "t");
        LossTable val = d.split("val");
        assertEquals(List.of("sn", "d(half)", "sdn"), val.candidates().stream().map(Candidate::name).toList());
        assertEquals(Set.of("d"), val.candidate("sdn").auxiliaryTasks());
    }

    @Test
    void multiLetterTaskNamesJoinWithAmpersand() {
        MeasuredLosses d = MeasuredLosses.parse(List.of("setting,split,tasks,network_size,cost,depth,normal",
                "7,val,normal&depth,full,1,0.2,0.3", "7,val,depth,full,1,0.25,"), "t");
        assertEquals("depth&normal", d.split("val").candidates().get(0).name());
    }

    @Test
    void layoutErrorsNameFileAndLine() {
        assertTrue(error("setting,split,tasks,size,cost,s").contains("x.csv line 1: header"));
        assertTrue(error(HEADER, "1,val,s,full,1,0.1,").contains("x.csv line 2: expected 8 fields, got 7"));
        assertTrue(error(HEADER, "1,val,sx,full,1,0.1,,").contains("line 2: unknown task x"));
        assertTrue(error(HEADER, "1,val,s,full,1,0.1,0.2,").contains("line 2: network s has a loss for task d"));
        assertTrue(error(HEADER, "1,val,s,full,one,0.1,,").contains("line 2: cost is not a number: 'one'"));
        assertTrue(error(HEADER, "1,val,s,full,1,0.1,,", "2,val,d,full,1,,0.1,").contains("line 3: setting 2"));
        assertTrue(error(HEADER, "1,val,s,big,1,0.1,,").contains("network_size must be full or half"));
        assertTrue(error(HEADER, "1,val,s,full,-1,0.1,,").contains("x.csv line 2: candidate s: cost must be"));
        assertTrue(error(HEADER, "1,val,s,full,1,0.1,,").contains("x.csv split val: task d is served by no"));
        assertTrue(error(HEADER).contains("no data rows"));
        MeasuredLosses ok = MeasuredLosses.parse(List.of(HEADER, "1,val,sdn,full,1,0.1,0.2,0.3"), "y");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ok.split("test")).getMessage()
                .contains("no split test (the splits are [val])"));
        assertTrue(assertThrows(IllegalArgumentException.class, ok::earlyStoppingSplit).getMessage()
                .contains("early-stopped split"));
    }
}
