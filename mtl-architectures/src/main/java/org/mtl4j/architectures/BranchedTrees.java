package org.mtl4j.architectures;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.initializer.Initializer;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the tree of a {@link BranchedBlock} from task dissimilarities under a budget, after Vandenhende,
 * Georgoulis, De Brabandere and Van Gool, BMVC 2020, "Branched Multi-Task Networks: Deciding What Layers to Share".
 *
 * <p><b>Score.</b> With {@code D^j} the task dissimilarity at stage {@code j} ({@link TaskDissimilarity}) and
 * {@code P_j} the partition of the tasks into the branches of stage {@code j}, the paper's task dissimilarity score
 * of a tree is the sum over the stages of the mean, over the branches, of the largest dissimilarity between two
 * tasks of the branch ({@code 0} for a branch of one task):
 * <pre>
 *   C(P_0, …, P_{L−1}) = Σ_j (1/|P_j|) Σ_{B ∈ P_j} max_{k,l ∈ B} D^j_{kl}
 * </pre>
 * The maximum keeps a dissimilar pair from hiding in a large branch. Lower is better, and splitting lowers it; the
 * budget is what makes tasks share.
 *
 * <p><b>Cost.</b> Every branch of stage {@code j} is a copy of the encoder's stage {@code j}, so a tree costs
 * {@code Σ_j |P_j| · c_j} parameters (and {@code Σ_j |P_j| · m_j} multiply-adds per sample), with {@code c_j, m_j}
 * the cost of stage {@code j} of one encoder ({@link ColumnCost}, measured with {@link NetworkCost} at the model's
 * input resolution). Task heads are the same for every tree and are left out; hard sharing costs {@code 1×} one
 * encoder and K independent networks {@code K×}.
 *
 * <p><b>Search.</b> Exact, for up to {@value #MAX_TASKS} tasks: dynamic programming over the stages on all nested
 * partitions (every set partition of the tasks at stage 0; at stage {@code j} every refinement of the partition of
 * stage {@code j − 1}), keeping for each partition the Pareto front of (parameters, multiply-adds, score) of the
 * trees that end in it within the budget. Because score and cost add up over the stages, this finds the tree of
 * lowest score within the budget; ties go to the fewer parameters, then to the fewer multiply-adds, then to the
 * tree that comes first in a fixed enumeration order (so the choice is reproducible). (The paper enumerates
 * candidate trees by clustering; the exact search includes every tree it could produce.)
 */
public final class BranchedTrees {

    /** The largest number of tasks the exact search accepts (Bell(8) = 4140 partitions). */
    public static final int MAX_TASKS = 8;

    private BranchedTrees() {}

    /**
     * A limit on a cost: absolute, or a multiple of the cost of one encoder.
     *
     * @param value the limit, or the multiple when {@code relative}; {@code +∞} for no limit
     * @param relative whether {@code value} multiplies the cost of one encoder
     */
    public record Limit(double value, boolean relative) {

        /** No limit. */
        public static final Limit NONE = new Limit(Double.POSITIVE_INFINITY, false);

        /** Checks the value. */
        public Limit {
            checkArgument(value > 0 && !Double.isNaN(value), "a budget must be positive, got %s", value);
        }

        /**
         * Parses a limit: {@code 2.5x} (a multiple of one encoder), {@code 120000} or {@code 1.2e5} (absolute),
         * {@code none}.
         *
         * @param text the text
         * @return the limit
         * @throws IllegalArgumentException naming the text
         */
        public static Limit parse(String text) {
            String t = checkNotNull(text, "budget").strip();
            if (t.equals("none")) {
                return NONE;
            }
            boolean relative = t.endsWith("x") || t.endsWith("X");
            String number = relative ? t.substring(0, t.length() - 1) : t;
            double v;
            try {
                v = Double.parseDouble(number);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("budget '" + text + "' is neither a number (120000, 1.2e5) nor a "
                        + "multiple of one encoder (2.5x)", e);
            }
            checkArgument(v > 0 && Double.isFinite(v), "budget '%s' must be positive and finite", text);
            checkArgument(!relative || v >= 1, "budget '%s' is below one encoder (1x), which the fully shared tree "
                    + "already costs", text);
            return new Limit(v, relative);
        }

        /**
         * @param oneEncoder the cost of one encoder
         * @return the limit in absolute units
         */
        public double resolve(long oneEncoder) {
            return relative ? value * oneEncoder : value;
        }

        /** @return the text {@link #parse} reads back */
        @Override
        public String toString() {
            if (Double.isInfinite(value)) {
                return "none";
            }
            return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString() + (relative ? "x" : "");
        }
    }

    /**
     * The budget of a tree: limits on its parameters and on its multiply-adds per sample (either may be
     * {@link Limit#NONE}).
     *
     * @param parameters the limit on the encoder's parameters
     * @param multiplyAdds the limit on the encoder's multiply-adds per sample
     */
    public record Budget(Limit parameters, Limit multiplyAdds) {

        /** Checks the components. */
        public Budget {
            checkNotNull(parameters, "parameters");
            checkNotNull(multiplyAdds, "multiplyAdds");
        }

        /**
         * A budget on parameters only.
         *
         * @param parameters the limit, as {@link Limit#parse} reads it ({@code 2.5x}, {@code 120000})
         * @return the budget
         */
        public static Budget parameters(String parameters) {
            return new Budget(Limit.parse(parameters), Limit.NONE);
        }

        @Override
        public String toString() {
            if (multiplyAdds.equals(Limit.NONE)) {
                return parameters + " parameters";
            }
            if (parameters.equals(Limit.NONE)) {
                return multiplyAdds + " multiply-adds";
            }
            return parameters + " parameters and " + multiplyAdds + " multiply-adds";
        }
    }

    /**
     * The cost of each stage of one encoder, at one input resolution.
     *
     * @param encoder the encoder's description
     * @param parameters {@code c_j}: the trainable parameters of stage {@code j}
     * @param multiplyAdds {@code m_j}: the multiply-adds per sample of stage {@code j}
     */
    public record ColumnCost(String encoder, long[] parameters, long[] multiplyAdds) {

        /** Checks the components. */
        public ColumnCost {
            checkNotNull(encoder, "encoder");
            checkArgument(parameters.length == multiplyAdds.length && parameters.length > 0,
                    "%s parameter counts for %s multiply-add counts", parameters.length, multiplyAdds.length);
            parameters = parameters.clone();
            multiplyAdds = multiplyAdds.clone();
        }

        /**
         * Measures the stages of an encoder design on an input, by building one encoder stage by stage and
         * counting with {@link NetworkCost} (the parameters are filled with zeros: no random numbers are drawn).
         *
         * @param encoder the staged design
         * @param inputShape one sample's shape, without the batch axis
         * @return the cost per stage
         */
        public static ColumnCost of(StagedEncoderFactory encoder, Shape inputShape) {
            int stages = encoder.stageCount();
            long[] params = new long[stages];
            long[] macs = new long[stages];
            try (NDManager manager = NDManager.newBaseManager()) {
                Shape shape = Stages.batched(inputShape, 1);
                for (int j = 0; j < stages; j++) {
                    Block stage = new SequentialBlock().add(encoder.createStageFront(j))
                            .add(encoder.createStageBack(j));
                    stage.setInitializer(Initializer.ZEROS, p -> true);
                    stage.initialize(manager, DataType.FLOAT32, shape);
                    NetworkCost cost = NetworkCost.of(stage);
                    params[j] = cost.parameters();
                    macs[j] = cost.multiplyAdds();
                    shape = stage.getOutputShapes(new Shape[] {shape})[0];
                }
            }
            return new ColumnCost(encoder.describe(), params, macs);
        }

        /** @return the parameters of one whole encoder */
        public long totalParameters() {
            return Arrays.stream(parameters).sum();
        }

        /** @return the multiply-adds per sample of one whole encoder */
        public long totalMultiplyAdds() {
            return Arrays.stream(multiplyAdds).sum();
        }

        /**
         * @param tree a tree with as many stages
         * @return {@code Σ_j |P_j| · c_j}
         */
        public long parameters(BranchTree tree) {
            return weighted(tree, parameters);
        }

        /**
         * @param tree a tree with as many stages
         * @return {@code Σ_j |P_j| · m_j}
         */
        public long multiplyAdds(BranchTree tree) {
            return weighted(tree, multiplyAdds);
        }

        private long weighted(BranchTree tree, long[] perStage) {
            checkArgument(tree.stageCount() == perStage.length, "tree '%s' has %s stages, the encoder %s",
                    tree, tree.stageCount(), perStage.length);
            long total = 0;
            for (int j = 0; j < perStage.length; j++) {
                total += tree.branches(j).size() * perStage[j];
            }
            return total;
        }

        @Override
        public String toString() {
            return encoder + ": " + String.format(Locale.ROOT, "%,d", totalParameters()) + " parameters "
                    + Arrays.toString(parameters) + " per stage, " + NetworkCost.human(totalMultiplyAdds())
                    + " multiply-adds per sample " + Arrays.toString(multiplyAdds) + " per stage";
        }
    }

    /**
     * The tree a branched network uses and what it costs: what {@code mtl train} prints.
     *
     * @param tree the tree
     * @param score the task dissimilarity score {@code C}, NaN for a tree given by hand
     * @param stageScores the score's term of every stage (NaN for a tree given by hand)
     * @param parameters the encoder's parameters {@code Σ_j |P_j| c_j}
     * @param multiplyAdds the encoder's multiply-adds per sample {@code Σ_j |P_j| m_j}
     * @param column the cost of one encoder
     * @param budget the budget the tree was chosen under, or null for a tree given by hand
     * @param trees the number of nested trees with as many stages, within the budget or not (0 for a tree given by
     *     hand)
     * @param source where the dissimilarities came from, or {@code "given"}
     */
    public record Plan(BranchTree tree, double score, double[] stageScores, long parameters, long multiplyAdds,
            ColumnCost column, Budget budget, long trees, String source) {

        /** Checks the components. */
        public Plan {
            checkNotNull(tree, "tree");
            checkNotNull(column, "column");
            checkNotNull(source, "source");
            stageScores = stageScores.clone();
        }

        /** @return the parameters as a multiple of one encoder */
        public double parameterRatio() {
            return parameters / (double) column.totalParameters();
        }

        /** @return the multiply-adds as a multiple of one encoder */
        public double multiplyAddRatio() {
            return multiplyAdds / (double) column.totalMultiplyAdds();
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("branched tree ").append(tree);
            if (budget != null) {
                sb.append(String.format(Locale.ROOT, " (the lowest dissimilarity score within budget %s, exact "
                        + "search over %,d nested trees; dissimilarity from %s)", budget, trees, source));
            }
            sb.append(String.format(Locale.ROOT, ": encoder %,d parameters (%.2fx one %s), %s multiply-adds per "
                    + "sample (%.2fx)", parameters, parameterRatio(), column.encoder(),
                    NetworkCost.human(multiplyAdds), multiplyAddRatio()));
            if (!Double.isNaN(score)) {
                sb.append(String.format(Locale.ROOT, "; dissimilarity score %.4f =", score));
                for (int j = 0; j < stageScores.length; j++) {
                    sb.append(j == 0 ? " " : " + ").append(String.format(Locale.ROOT, "%.4f", stageScores[j]));
                }
                sb.append(" (stage by stage)");
            }
            return sb.toString();
        }
    }

    /**
     * Describes a tree given by hand: its cost, and its score when dissimilarities are known.
     *
     * @param tree the tree, validated against the tasks
     * @param column the cost of one encoder
     * @param dissimilarity the dissimilarities, or null
     * @return the plan, with no budget
     */
    public static Plan describe(BranchTree tree, ColumnCost column, TaskDissimilarity dissimilarity) {
        double[] stageScores = new double[tree.stageCount()];
        Arrays.fill(stageScores, Double.NaN);
        double score = Double.NaN;
        String source = "given";
        if (dissimilarity != null) {
            TaskDissimilarity d = dissimilarity.reorder(tree.tasks());
            List<double[][]> stages = d.forStages(tree.stageCount());
            score = 0;
            for (int j = 0; j < tree.stageCount(); j++) {
                stageScores[j] = stageScore(tree, j, stages.get(j));
                score += stageScores[j];
            }
            source = d.source();
        }
        return new Plan(tree, score, stageScores, column.parameters(tree), column.multiplyAdds(tree), column, null,
                0, source);
    }

    /**
     * The term of one stage in the score: the mean over the stage's branches of the largest dissimilarity in the
     * branch.
     *
     * @param tree the tree
     * @param stage the stage
     * @param d the stage's dissimilarity, rows in {@code tree.tasks()} order
     * @return the term
     */
    static double stageScore(BranchTree tree, int stage, double[][] d) {
        List<String> tasks = tree.tasks();
        double sum = 0;
        for (List<String> branch : tree.branches(stage)) {
            double max = 0;
            for (String a : branch) {
                for (String b : branch) {
                    max = Math.max(max, d[tasks.indexOf(a)][tasks.indexOf(b)]);
                }
            }
            sum += max;
        }
        return sum / tree.branches(stage).size();
    }

    /**
     * Finds the tree of lowest dissimilarity score within a budget, by exact search (see the class description).
     *
     * @param dissimilarity the dissimilarities; their task order is the tree's
     * @param column the cost of one encoder, one entry per stage
     * @param budget the budget
     * @return the plan
     * @throws IllegalArgumentException for more than {@value #MAX_TASKS} tasks, or a budget below the fully shared
     *     encoder
     */
    public static Plan best(TaskDissimilarity dissimilarity, ColumnCost column, Budget budget) {
        return BranchedTreeSearch.best(dissimilarity, column, budget);
    }
}
