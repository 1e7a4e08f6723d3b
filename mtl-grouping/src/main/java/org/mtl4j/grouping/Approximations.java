package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two cheap approximations of Standley et al., "Which Tasks Should Be Learned Together in Multi-task Learning?"
 * (ICML 2020), which avoid training all {@code 2^n − 1} networks to convergence.
 *
 * <ul>
 *   <li><b>Higher-order approximation (HOA)</b>, {@link #higherOrder(LossTable)}: train only single-task and pair
 *       networks; the loss of task {@code t} in a network {@code N} of three or more tasks is the mean of its losses
 *       in the pair networks inside {@code N}: {@code L̂(N, t) = (1/(|N|−1)) Σ_{s ∈ N, s ≠ t} L({t, s}, t)}. Worked
 *       example: pairs a&amp;b = 0.1&amp;0.2, b&amp;c = 0.3&amp;0.4, a&amp;c = 0.5&amp;0.6 give, in a&amp;b&amp;c,
 *       a = (0.1 + 0.5)/2 = 0.30, b = (0.2 + 0.3)/2 = 0.25, c = (0.4 + 0.6)/2 = 0.50.
 *   <li><b>Early-stopping approximation (ESA)</b>, {@link #earlyStopping}: train every network for a fraction of
 *       the schedule (the paper: 20%), select on those losses, and report the selection on the fully trained ones.
 * </ul>
 * HOA needs {@code n(n+1)/2} trainings instead of {@code 2^n − 1}; ESA cuts each training short. In the paper both
 * lose to selection on fully trained validation losses but beat the fixed baselines on most settings; use them when
 * training every subset is unaffordable.
 */
public final class Approximations {

    private Approximations() {}

    /**
     * Replaces the losses of every network of three or more tasks by the HOA estimate from the table's pair networks.
     * Single-task and pair networks keep their losses. A network's auxiliary tasks count as members: a served task
     * {@code t} takes the mean over all other trained tasks {@code s} of {@code t}'s loss in the pair network
     * trained on exactly {@code {t, s}} (the first such network in table order).
     *
     * @param table a table with the pair networks
     * @return a table with the same candidates and approximated higher-order losses
     * @throws IllegalArgumentException if a needed pair network is missing
     */
    public static LossTable higherOrder(LossTable table) {
        checkNotNull(table, "table");
        PairIndex pairs = new PairIndex(table);
        List<Candidate> out = new ArrayList<>();
        for (Candidate c : table.candidates()) {
            out.add(c.tasks().size() >= 3
                    ? c.withLosses(estimate(pairs, table.tasks(), c.name(), c.tasks(), c.losses().keySet())) : c);
        }
        return table.withCandidates(out);
    }

    /**
     * HOA for a table of single-task and pair networks only: adds a network for every subset of three or more tasks
     * that the table lacks, at {@code cost}, serving all its tasks, with HOA losses (and replaces the losses of
     * higher-order networks already present). New networks are named by their tasks in table order ({@code sdn}, or
     * {@code depth&normal&edges} for longer task names).
     *
     * @param table a table with every pair network
     * @param cost the cost of each added network (1 in the paper's unit)
     * @return the completed table
     * @throws IllegalArgumentException if a pair is missing, the cost is negative, or there are more than 20 tasks
     */
    public static LossTable higherOrder(LossTable table, double cost) {
        checkNotNull(table, "table");
        int n = table.tasks().size();
        checkArgument(n <= 20, "completing every subset of %s tasks is too many networks (limit 20 tasks)", n);
        checkArgument(Double.isFinite(cost) && cost >= 0, "cost of the added networks must be non-negative, got %s",
                cost);
        LossTable base = higherOrder(table);
        PairIndex pairs = new PairIndex(table);
        Set<Set<String>> present = new HashSet<>();
        for (Candidate c : base.candidates()) {
            present.add(c.tasks());
        }
        List<Candidate> out = new ArrayList<>(base.candidates());
        for (int mask = 1; mask < 1 << n; mask++) {
            if (Integer.bitCount(mask) < 3) {
                continue;
            }
            List<String> members = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                if ((mask & (1 << t)) != 0) {
                    members.add(table.tasks().get(t));
                }
            }
            ImmutableSet<String> set = ImmutableSet.copyOf(members);
            if (present.contains(set)) {
                continue;
            }
            String name = Names.network(members);
            out.add(Candidate.of(name, cost, estimate(pairs, table.tasks(), name, set, set)));
        }
        return table.withCandidates(out);
    }

    private static Map<String, Double> estimate(PairIndex pairs, List<String> tasks, String name, Set<String> members,
            Set<String> served) {
        Map<String, Double> losses = new LinkedHashMap<>();
        for (String t : tasks) {
            if (!served.contains(t)) {
                continue;
            }
            double sum = 0;
            int count = 0;
            for (String s : tasks) {
                if (s.equals(t) || !members.contains(s)) {
                    continue;
                }
                sum += pairs.loss(name, t, s);
                count++;
            }
            losses.put(t, sum / count);
        }
        return losses;
    }

    /** The pair networks of a table by task pair, in table order (the first that serves a task gives its loss). */
    private static final class PairIndex {
        private final Map<Set<String>, List<Candidate>> byPair = new HashMap<>();

        PairIndex(LossTable table) {
            for (Candidate p : table.candidates()) {
                if (p.tasks().size() == 2) {
                    byPair.computeIfAbsent(p.tasks(), k -> new ArrayList<>()).add(p);
                }
            }
        }

        double loss(String network, String task, String other) {
            for (Candidate p : byPair.getOrDefault(Set.of(task, other), List.of())) {
                if (p.serves(task)) {
                    return p.loss(task);
                }
            }
            throw new IllegalArgumentException(String.format(
                    "higher-order approximation of network %s needs a pair network of tasks %s and %s that serves %s",
                    network, task, other, task));
        }
    }

    /**
     * ESA: chooses networks on losses measured after part of the training and reports them on the fully trained
     * losses. Every early candidate must exist in {@code full} with the same tasks and cost (the full table may have
     * more).
     *
     * @param solver the solver
     * @param early losses after a fraction of training
     * @param full losses after full training (the test split, as in the paper)
     * @param budget the budget
     * @return the selection on {@code early} and its score on {@code full}
     * @throws IllegalArgumentException if the tables disagree on a candidate
     */
    public static SelectionReport earlyStopping(GroupingSolver solver, LossTable early, LossTable full,
            double budget) {
        checkNotNull(early, "early");
        checkNotNull(full, "full");
        for (Candidate c : early.candidates()) {
            checkArgument(full.contains(c.name()), "early-stopped network %s has no fully trained counterpart",
                    c.name());
            Candidate f = full.candidate(c.name());
            checkArgument(f.tasks().equals(c.tasks()) && f.cost() == c.cost(),
                    "network %s differs between the early-stopped (%s, cost %s) and full tables (%s, cost %s)",
                    c.name(), c.tasks(), c.cost(), f.tasks(), f.cost());
        }
        return Groupings.selectAndReport(solver, early, full, budget);
    }
}
