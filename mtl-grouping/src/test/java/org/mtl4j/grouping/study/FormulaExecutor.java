package org.mtl4j.grouping.study;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test executor that trains nothing: a network's loss for task t is a fixed formula of its task set, size, epochs
 * and split, so the study's planning, resuming and bookkeeping can be checked quickly. Records what it was asked.
 */
final class FormulaExecutor implements CandidateExecutor {

    final List<CandidateSpec> executed = new ArrayList<>();
    private final int failAfter;

    FormulaExecutor() {
        this(Integer.MAX_VALUE);
    }

    /** @param failAfter throw (as a killed process would stop) when asked for more than this many networks */
    FormulaExecutor(int failAfter) {
        this.failAfter = failAfter;
    }

    static double loss(CandidateSpec s, String task, boolean test) {
        int t = task.charAt(0) - 'a';
        double base = 0.1 * (t + 1);
        double effect = 0;
        for (String other : s.tasks()) {
            if (!other.equals(task)) {
                int o = other.charAt(0) - 'a';
                // a and b help each other, c hurts everyone, d is neutral-ish
                effect += ((t + o) % 3 == 1 ? -0.08 : 0.05) + 0.003 * o;
            }
        }
        double size = s.half() ? 1.07 : 1.0;
        double early = 1 + 2.0 / s.epochs();
        return base * (1 + effect) * size * early * (test ? 1.01 : 1.0);
    }

    @Override
    public CandidateResult execute(CandidateSpec spec) {
        if (executed.size() >= failAfter) {
            throw new IllegalStateException("killed");
        }
        executed.add(spec);
        Map<String, Double> val = new LinkedHashMap<>();
        Map<String, Double> test = new LinkedHashMap<>();
        for (String t : spec.tasks()) {
            val.put(t, loss(spec, t, false));
            test.put(t, loss(spec, t, true));
        }
        return new CandidateResult(spec, val, test, Map.of(), 0.01, 1);
    }
}
