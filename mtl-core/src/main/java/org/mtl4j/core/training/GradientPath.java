package org.mtl4j.core.training;

import static com.google.common.base.Preconditions.checkArgument;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.google.common.collect.ImmutableList;
import java.util.Optional;
import java.util.function.Function;
import org.mtl4j.core.gradient.GramMatrix;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.weighting.CombinedGradient;
import org.mtl4j.core.weighting.GradientBasedWeighting;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.GradientSegment;
import org.mtl4j.core.weighting.LossWeighting;
import org.mtl4j.core.weighting.WeightingContext;

/**
 * One way of turning a forward pass's K task losses into parameter gradients: one implementation per
 * {@link GradientMode}, each owning its backward pass and the column layout of its per-task gradient matrix. The
 * trainer picks one when it is created ({@link #of}) and never branches on the mode again.
 */
abstract class GradientPath {

    /**
     * What a step hands to its path.
     *
     * @param collector the open gradient collector of the step
     * @param losses the K task losses
     * @param learnable the strategy's learnable arrays, as per-step views
     * @param regularization the network's penalty (soft sharing), if any
     * @param weighting the strategy
     * @param context builds the strategy's context from the gradient matrix's column layout
     * @param stepManager the step's manager
     * @param monitored whether a gradient observer wants the Gram matrix of the task gradients
     */
    record Step(GradientCollector collector, NDList losses, NDList learnable, Optional<NDArray> regularization,
            LossWeighting weighting, Function<ImmutableList<GradientSegment>, WeightingContext> context,
            NDManager stepManager, boolean monitored) {}

    /**
     * What the path did.
     *
     * @param weights the task weights the strategy used
     * @param context the context it saw
     * @param gram the K×K Gram matrix of the task gradients, when monitored in a gradient mode
     */
    record Result(double[] weights, WeightingContext context, Optional<double[][]> gram) {

        Result(double[] weights, WeightingContext context) {
            this(weights, context, Optional.empty());
        }
    }

    /**
     * The path of a mode.
     *
     * @param mode the decided mode
     * @param network the network
     * @return the path
     */
    static GradientPath of(GradientMode mode, MultiTaskBlock network) {
        switch (mode) {
            case NONE:
                return new LossOnlyPath();
            case PARAMETERS:
                return new ParameterPath(network);
            case REPRESENTATION:
                return new RepresentationPath(network);
            default:
                throw new IllegalArgumentException("unknown gradient mode " + mode);
        }
    }

    /** Called before each forward pass; representation mode installs its tap here. */
    void beforeForward() {}

    /**
     * Runs the backward pass of one step: the shared and task-specific parameters (and the strategy's learnable
     * weights) hold their gradients afterwards.
     *
     * @param step the step
     * @return the weights and context
     */
    abstract Result backward(Step step);

    /**
     * The gradient-based paths' step: the K×D task-gradient matrix, the strategy's combination, written back, then the
     * network's penalty and the strategy's learnable weights.
     */
    abstract static class Combining extends GradientPath {

        @Override
        final Result backward(Step step) {
            NDArray g = taskGradients(step);
            // the observers' Gram matrix, taken before any strategy sees the gradients
            Optional<double[][]> gram = step.monitored() ? Optional.of(GramMatrix.engineProduct(g)) : Optional.empty();
            WeightingContext ctx = step.context().apply(segments());
            CombinedGradient c = ((GradientBasedWeighting) step.weighting()).combineGradients(g, step.losses(),
                    step.learnable(), ctx);
            applyCombined(c.gradient());
            step.regularization().ifPresent(step.collector()::backward);
            backwardLearnable(step.collector(), step.learnable(), c.learnableGradients());
            return new Result(c.weights(), ctx, gram);
        }

        /** @return the K×D matrix of per-task gradients of this step */
        abstract NDArray taskGradients(Step step);

        /** @return the column layout of the last {@link #taskGradients} matrix */
        abstract ImmutableList<GradientSegment> segments();

        /** Makes the combined D-vector the gradient that reaches the parameters. */
        abstract void applyCombined(NDArray combined);
    }

    /**
     * Gives the strategy's learnable weights the gradients it computed: back-propagates
     * {@code Σ_j sum(w_j ⊙ stopGradient(∂_j))}, whose gradient with respect to {@code w_j} is exactly {@code ∂_j}.
     */
    static void backwardLearnable(GradientCollector collector, NDList learnable, NDList gradients) {
        if (gradients.isEmpty()) {
            return;
        }
        checkArgument(gradients.size() == learnable.size(),
                "the weighting returned %s learnable gradients for %s learnable arrays", gradients.size(),
                learnable.size());
        NDArray surrogate = null;
        for (int j = 0; j < gradients.size(); j++) {
            NDArray w = learnable.get(j);
            NDArray g = gradients.get(j);
            checkArgument(w.getShape().equals(g.getShape()),
                    "learnable gradient %s has shape %s but the learnable array has shape %s", j, g.getShape(),
                    w.getShape());
            NDArray term = w.mul(g.stopGradient()).sum();
            surrogate = surrogate == null ? term : surrogate.add(term);
        }
        collector.backward(surrogate);
    }
}
