package org.mtl4j.grouping.estimators;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.mtl4j.grouping.Approximations;
import org.mtl4j.grouping.Candidate;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.affinity.AffinityMatrix;
import org.mtl4j.grouping.estimators.HigherOrderSurrogate.Observation;

/** The ridge and averaging surrogates, and the completion of the table. */
class HigherOrderSurrogateTest {

    static final List<String> TASKS = List.of("a", "b", "c", "d", "e");

    /** A known linear model: b_t and θ_tj with both signs. */
    static double[] base() {
        return new double[] {0.5, 0.8, 0.3, 1.1, 0.65};
    }

    static double[][] theta() {
        Random r = new Random(3);
        double[][] th = new double[5][5];
        for (int t = 0; t < 5; t++) {
            for (int j = 0; j < 5; j++) {
                th[t][j] = t == j ? 0 : 0.2 * (r.nextDouble() - 0.5);
            }
        }
        return th;
    }

    static double truth(List<String> group, String task) {
        int t = TASKS.indexOf(task);
        double v = base()[t];
        for (String s : group) {
            int j = TASKS.indexOf(s);
            if (j != t) {
                v += theta()[t][j];
            }
        }
        return v;
    }

    static Observation observe(List<String> group) {
        Map<String, Double> losses = new LinkedHashMap<>();
        for (String t : group) {
            losses.put(t, truth(group, t));
        }
        return Observation.of(losses);
    }

    static List<Observation> singlesAndSampled(int size, int count, long seed) {
        List<Observation> obs = new ArrayList<>();
        for (String t : TASKS) {
            obs.add(observe(List.of(t)));
        }
        for (List<String> s : TaskSubsetSampler.sample(TASKS, size, count, seed)) {
            obs.add(observe(s));
        }
        return obs;
    }

    @Test
    void ridgeRecoversAKnownLinearModelExactlyFromNoiseFreeLosses() {
        // all C(5, 3) = 10 subsets of size 3 and the singles: every θ_tj is determined
        HigherOrderSurrogate s = HigherOrderSurrogate.ridge(TASKS, singlesAndSampled(3, 10, 1), 0);
        double[][] th = theta();
        for (int t = 0; t < 5; t++) {
            assertEquals(base()[t], s.base(TASKS.get(t)), 1e-12);
            assertEquals(1 + 6, s.observations(TASKS.get(t)), "the single and the C(4, 2) subsets containing it");
            for (int j = 0; j < 5; j++) {
                if (j != t) {
                    assertEquals(th[t][j], s.partner(TASKS.get(t), TASKS.get(j)), 1e-12, t + "," + j);
                }
            }
        }
        // so it predicts every group of every size exactly
        for (List<String> g : HigherOrderSurrogate.subsetsInTableOrder(TASKS)) {
            for (String t : g) {
                assertEquals(truth(g, t), s.predict(g, t), 1e-12, g + " " + t);
            }
        }
        // λ → 0 converges to the same fit
        HigherOrderSurrogate tiny = HigherOrderSurrogate.ridge(TASKS, singlesAndSampled(3, 10, 1), 1e-10);
        assertEquals(th[2][4], tiny.partner("c", "e"), 1e-8);
        // a ridge weight shrinks the partner terms
        HigherOrderSurrogate shrunk = HigherOrderSurrogate.ridge(TASKS, singlesAndSampled(3, 10, 1), 1.0);
        assertTrue(Math.abs(shrunk.partner("c", "e")) < Math.abs(th[2][4]));
    }

    @Test
    void withOneSubsetSizeAndNoSinglesOnlyDifferencesAreDetermined() {
        List<Observation> noSingles = singlesAndSampled(3, 10, 1).subList(5, 15);
        String m = assertThrows(IllegalArgumentException.class,
                () -> HigherOrderSurrogate.ridge(TASKS, noSingles, 0)).getMessage();
        assertTrue(m.contains("task a") && m.contains("single-task"), m);
        // λ > 0 picks one fit; it still reproduces the observed size exactly when λ is small
        HigherOrderSurrogate s = HigherOrderSurrogate.ridge(TASKS, noSingles, 1e-9);
        List<String> g = List.of("a", "c", "d");
        assertEquals(truth(g, "a"), s.predict(g, "a"), 1e-6);
        // and differences of partner terms are right even though the terms are not
        assertEquals(theta()[0][1] - theta()[0][2], s.partner("a", "b") - s.partner("a", "c"), 1e-6);
    }

    @Test
    void averageIsTheMeanLossOverSubsetsContainingThePairAndCompletesLikeHoa() {
        List<Observation> obs = singlesAndSampled(3, 10, 1);
        HigherOrderSurrogate s = HigherOrderSurrogate.average(TASKS, obs);
        // T_ab = mean over the 3 subsets {a, b, x} of L(S, a)
        double expected = (truth(List.of("a", "b", "c"), "a") + truth(List.of("a", "b", "d"), "a")
                + truth(List.of("a", "b", "e"), "a")) / 3;
        assertEquals(expected, s.partner("a", "b"), 1e-12);
        assertEquals(base()[0], s.base("a"), 1e-12);
        assertEquals(base()[0], s.predict(List.of("a"), "a"), 1e-12);
        assertEquals((s.partner("a", "b") + s.partner("a", "e")) / 2, s.predict(List.of("a", "b", "e"), "a"), 1e-12);

        // with s = 2 and every pair drawn it is Standley et al.'s HOA
        List<Observation> pairs = singlesAndSampled(2, 10, 4);
        HigherOrderSurrogate avg = HigherOrderSurrogate.average(TASKS, pairs);
        List<Candidate> measured = new ArrayList<>();
        for (Observation o : pairs) {
            List<String> members = TASKS.stream().filter(o.tasks()::contains).toList();
            measured.add(Candidate.of(String.join("", members), 1, o.losses()));
        }
        LossTable hoa = Approximations.higherOrder(LossTable.of(TASKS, measured), 1);
        LossTable completed = avg.complete(Map.of(), List.of());
        for (Candidate c : completed.candidates()) {
            for (String t : c.losses().keySet()) {
                assertEquals(hoa.candidate(c.name()).loss(t), c.loss(t), 1e-12, c.name() + " " + t);
            }
        }

        // a pair never trained together is named
        List<Observation> sparse = singlesAndSampled(3, 2, 1);
        String m = assertThrows(IllegalArgumentException.class, () -> HigherOrderSurrogate.average(TASKS, sparse))
                .getMessage();
        assertTrue(m.contains("never trained together"), m);
        String missing = assertThrows(IllegalArgumentException.class, () -> HigherOrderSurrogate.average(TASKS,
                obs.subList(1, obs.size()))).getMessage();
        assertTrue(missing.contains("single-task network of a"), missing);
    }

    @Test
    void completedTableHasEverySubsetKeepsMeasuredLossesAndGivesTheAffinity() {
        List<Observation> obs = singlesAndSampled(3, 4, 2);
        HigherOrderSurrogate s = HigherOrderSurrogate.ridge(TASKS, obs, 1e-3);
        Map<Set<String>, Map<String, Double>> measured = new LinkedHashMap<>();
        measured.put(Set.of("a", "b", "c"), Map.of("a", 9.0, "b", 8.0, "c", 7.0));
        LossTable t = s.complete(measured, List.of(Candidate.of("a(half)", 0.5, Map.of("a", 0.7))));
        assertEquals(1 + 31, t.candidates().size(), "the half-size network and 2^5 − 1 subsets");
        assertEquals(List.of("a(half)", "a", "b", "c", "d", "e", "ab", "ac", "ad", "ae", "bc"),
                t.candidates().subList(0, 11).stream().map(Candidate::name).toList());
        assertEquals("abcde", t.candidates().get(31).name());
        int sum = 0;
        for (Candidate c : t.candidates().subList(1, 32)) {
            assertEquals(1.0, c.cost());
            assertEquals(c.tasks(), c.losses().keySet(), "every member served");
            sum += c.losses().size();
        }
        assertEquals(5 * 16, sum, "each task is in 16 of the 31 subsets");
        assertEquals(9.0, t.candidate("abc").loss("a"), "measured loss kept");
        assertEquals(s.predict(List.of("a", "b", "d"), "d"), t.candidate("abd").loss("d"));

        AffinityMatrix z = s.affinity();
        assertEquals(ImmutableList.copyOf(TASKS), z.tasks());
        assertEquals(-s.partner("c", "a") / s.base("c"), z.get("a", "c"), 1e-15, "Z(a→c) = −θ_ca / b_c");
        assertEquals(0, z.get("b", "b"));
    }
}
