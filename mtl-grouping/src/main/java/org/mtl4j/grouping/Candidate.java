package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.util.Map;
import java.util.Set;

/**
 * One candidate network of a task-grouping study: the tasks it is trained on, its inference cost and the measured
 * loss of every task it decodes. This is the unit that Standley et al., "Which Tasks Should Be Learned Together in
 * Multi-task Learning?" (ICML 2020) select from: a network trained on a task subset {@code T_c} at cost
 * {@code cost(c)}, yielding a loss {@code L(c, t)} for each task {@code t} it serves.
 *
 * <p>A network may carry <em>auxiliary</em> tasks: tasks it is trained on but whose output is not used (no loss is
 * given for them). Only the tasks in {@link #losses()} are <em>served</em>; {@link #tasks()} is the full trained set.
 * Costs are in any unit (the paper uses one full-size single-task network = 1 and a half-size one = 0.5); losses are
 * lower-is-better, finite, and may be of any sign.
 *
 * <p>Use {@link #of} for the usual case (every trained task is served) and {@link #withAuxiliary} when the network
 * carries tasks it does not serve.
 *
 * @param name a unique, non-blank name within its table, e.g. {@code "sdn"} or {@code "s(half)"}
 * @param tasks every task the network is trained on (served and auxiliary)
 * @param cost the inference cost, finite and non-negative
 * @param losses the measured loss of each served task
 */
public record Candidate(String name, ImmutableSet<String> tasks, double cost, ImmutableMap<String, Double> losses) {

    /**
     * Validates and copies the components.
     *
     * @throws IllegalArgumentException if the name is blank, the cost is negative or not finite, no task is served, a
     *     loss is not finite, or a served task is not among the trained tasks
     */
    public Candidate {
        checkNotNull(name, "candidate name");
        checkArgument(!name.isBlank(), "candidate name must not be blank");
        checkArgument(Double.isFinite(cost) && cost >= 0, "candidate %s: cost must be finite and non-negative, got %s",
                name, cost);
        tasks = ImmutableSet.copyOf(checkNotNull(tasks, "candidate %s: tasks", name));
        losses = ImmutableMap.copyOf(checkNotNull(losses, "candidate %s: losses", name));
        checkArgument(!losses.isEmpty(), "candidate %s: serves no task (give a loss for at least one task)", name);
        for (Map.Entry<String, Double> e : losses.entrySet()) {
            checkArgument(Double.isFinite(e.getValue()), "candidate %s: loss of task %s must be finite, got %s", name,
                    e.getKey(), e.getValue());
            checkArgument(tasks.contains(e.getKey()), "candidate %s: serves task %s but is not trained on it (tasks %s)",
                    name, e.getKey(), tasks);
        }
        for (String t : tasks) {
            checkArgument(t != null && !t.isBlank(), "candidate %s: blank task name", name);
        }
    }

    /**
     * A network that serves every task it is trained on.
     *
     * @param name the candidate's name
     * @param cost its inference cost
     * @param losses task → measured loss; its keys are the trained tasks
     * @return the candidate
     */
    public static Candidate of(String name, double cost, Map<String, Double> losses) {
        return new Candidate(name, ImmutableSet.copyOf(checkNotNull(losses, "candidate %s: losses", name).keySet()),
                cost, ImmutableMap.copyOf(losses));
    }

    /**
     * A network trained on {@code tasks} that serves only the tasks in {@code losses}; the others are auxiliary.
     *
     * @param name the candidate's name
     * @param cost its inference cost
     * @param tasks every trained task
     * @param losses served task → measured loss
     * @return the candidate
     */
    public static Candidate withAuxiliary(String name, double cost, Set<String> tasks, Map<String, Double> losses) {
        return new Candidate(name, ImmutableSet.copyOf(checkNotNull(tasks, "candidate %s: tasks", name)), cost,
                ImmutableMap.copyOf(checkNotNull(losses, "candidate %s: losses", name)));
    }

    /**
     * Whether this network decodes {@code task} (has a loss for it).
     *
     * @param task a task name
     * @return true if the task is served
     */
    public boolean serves(String task) {
        return losses.containsKey(task);
    }

    /**
     * The measured loss of a served task.
     *
     * @param task a served task
     * @return its loss
     * @throws IllegalArgumentException if the task is not served
     */
    public double loss(String task) {
        Double l = losses.get(task);
        checkArgument(l != null, "candidate %s does not serve task %s (serves %s)", name, task, losses.keySet());
        return l;
    }

    /**
     * The tasks this network is trained on but does not serve.
     *
     * @return the auxiliary tasks, possibly empty
     */
    public ImmutableSet<String> auxiliaryTasks() {
        ImmutableSet.Builder<String> b = ImmutableSet.builder();
        for (String t : tasks) {
            if (!losses.containsKey(t)) {
                b.add(t);
            }
        }
        return b.build();
    }

    /**
     * A copy with other losses for the same served tasks, as produced by an approximation.
     *
     * @param newLosses served task → loss; must have exactly the served tasks
     * @return the copy
     */
    Candidate withLosses(Map<String, Double> newLosses) {
        checkArgument(newLosses.keySet().equals(losses.keySet()), "candidate %s: new losses cover %s, expected %s", name,
                newLosses.keySet(), losses.keySet());
        return new Candidate(name, tasks, cost, ImmutableMap.copyOf(newLosses));
    }
}
