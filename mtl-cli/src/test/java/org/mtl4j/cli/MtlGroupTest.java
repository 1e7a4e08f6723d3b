package org.mtl4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mtl group} on the measured losses of Standley et al. (read from ../shared when present). */
class MtlGroupTest {

    private static Path setting1() {
        return Stream.of(Path.of("../../shared/data/taskgrouping/setting1_losses.csv"),
                Path.of("../shared/data/taskgrouping/setting1_losses.csv"))
                .filter(Files::isRegularFile).findFirst().orElse(null);
    }

    private static int run(ByteArrayOutputStream out, ByteArrayOutputStream err, String... args) {
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(o);
        System.setErr(e);
        try {
            return MtlCommand.execute(o, e, args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void reproducesThePaperSelectionsAndWritesCsvAndPlot(@TempDir Path dir) throws Exception {
        Path losses = setting1();
        assumeTrue(losses != null, "../shared/data/taskgrouping is absent");
        Path csv = dir.resolve("s1.csv");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, run(out, err, "group", "--losses", losses.toString(), "--select", "val,hoa", "--out",
                csv.toString()), err.toString(StandardCharsets.UTF_8));
        List<String> lines = Files.readAllLines(csv);
        assertEquals("method,budget,networks,cost,selection_objective,report_total", lines.get(0));
        double[] objective = {.50761, .46630, .45686, .45076, .44702, .44358, .43984, .43984, .43910};
        double[] test = {.50278, .46132, .45224, .44612, .44235, .43932, .43555, .43555, .43481};
        for (int i = 0; i < 9; i++) {
            String[] f = lines.get(1 + i).split(",");
            assertEquals("val", f[0]);
            assertEquals(1 + 0.5 * i, Double.parseDouble(f[1]), 1e-12);
            assertEquals(objective[i], Double.parseDouble(f[4]), 5e-6, "objective at budget " + f[1]);
            assertEquals(test[i], Double.parseDouble(f[5]), 5e-6, "test total at budget " + f[1]);
        }
        assertEquals("nke+sdn", lines.get(3).split(",")[2]);
        assertEquals(19, lines.size(), "9 budgets for each of 2 methods");
        assertTrue(lines.get(10).startsWith("hoa,1,"));
        assertTrue(Files.size(dir.resolve("s1.png")) > 1000);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("dnke+s(half)"));
    }

    @Test
    void badInputNamesTheCulprit(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(2, run(out, err, "group", "--losses", dir.resolve("missing.csv").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing.csv does not exist"),
                err.toString(StandardCharsets.UTF_8));
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "setting,split,tasks,network_size,cost,s,d\n1,val,s,full,-1,0.1,\n");
        ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertEquals(2, run(new ByteArrayOutputStream(), err2, "group", "--losses", bad.toString()));
        String text = err2.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("mtl: error: ") && !text.contains("\tat "), text);
        Path losses = setting1();
        assumeTrue(losses != null, "../shared/data/taskgrouping is absent");
        ByteArrayOutputStream err3 = new ByteArrayOutputStream();
        assertEquals(2, run(new ByteArrayOutputStream(), err3, "group", "--losses", losses.toString(), "--select",
                "magic"));
        assertTrue(err3.toString(StandardCharsets.UTF_8).contains("magic"), err3.toString(StandardCharsets.UTF_8));
    }
}
