package org.mtl4j.grouping;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;

/**
 * A chosen set of networks evaluated on one loss table: the networks, their total cost, and for every task the best
 * loss among the chosen networks that serve it. The objective of Standley et al., "Which Tasks Should Be Learned
 * Together in Multi-task Learning?" (ICML 2020) is {@link #objective()} {@code = Σ_t min_{c ∈ S} L(c, t)}.
 *
 * <p>Produced by {@link GroupingSolver#solve}, {@link LossTable#evaluate} and, for the number to report,
 * {@link Groupings#scoreOn(Selection, LossTable)}, which re-evaluates the same networks on another table.
 *
 * @param networks the chosen networks, in table order
 * @param cost the total cost, summed in table order
 * @param objective the sum over tasks, in task order, of each task's best loss among the chosen networks
 * @param taskLosses task → its best loss among the chosen networks, in task order
 * @param assignment task → the name of the network that gives that loss (the first in table order on a tie)
 */
public record Selection(ImmutableList<Candidate> networks, double cost, double objective,
        ImmutableMap<String, Double> taskLosses, ImmutableMap<String, String> assignment) {

    /** Copies the components. */
    public Selection {
        networks = ImmutableList.copyOf(checkNotNull(networks, "networks"));
        taskLosses = ImmutableMap.copyOf(checkNotNull(taskLosses, "taskLosses"));
        assignment = ImmutableMap.copyOf(checkNotNull(assignment, "assignment"));
    }

    /**
     * The chosen networks' names, in table order.
     *
     * @return the names
     */
    public ImmutableList<String> networkNames() {
        return networks.stream().map(Candidate::name).collect(ImmutableList.toImmutableList());
    }

    /**
     * The chosen networks' names sorted alphabetically and joined with {@code +}, e.g. {@code nke+s(half)+sdn}: the
     * {@code networks} column of the {@code mtl group} output.
     *
     * @return the label
     */
    public String label() {
        return String.join("+", networkNames().stream().sorted().toList());
    }
}
