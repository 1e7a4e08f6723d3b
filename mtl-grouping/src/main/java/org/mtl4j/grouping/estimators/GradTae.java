package org.mtl4j.grouping.estimators;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.RandomAccessDataset;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtl4j.core.MultiTask;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.evaluation.EvaluationResult;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.core.model.EncoderFactory;
import org.mtl4j.core.model.MultiTaskBlock;
import org.mtl4j.core.task.Task;
import org.mtl4j.core.training.TrainingSettings;
import org.mtl4j.grouping.Candidate;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.study.LossesCsv;
import org.mtl4j.grouping.study.StudyData;

/**
 * Grad-TAE, gradient-based task-affinity estimation: Li, Sharma and Zhang, "Scalable Multitask Learning Using
 * Gradient-based Estimation of Task Affinity" (KDD 2024). One network is trained on all tasks (the
 * meta-initialisation {@code θ*}); the loss every task would reach in a network trained on any task subset
 * {@code S} is then estimated without training another network, giving the full losses table
 * ({@link EstimatedLosses}: every non-empty subset at cost 1) for the exact solver of Standley et al.
 *
 * <p><b>What is linearised.</b> The paper linearises the network around {@code θ*},
 * {@code f(x; θ) ≈ f(x; θ*) + ∇f(x; θ*)ᵀ(θ − θ*)}, and fits the loss of that linear model. The outputs here are
 * dense maps, whose Jacobian ({@code H·W·C} rows per sample) is out of reach, so each sample's <em>loss</em> is
 * linearised through a link {@code ψ} ({@link LossLink}): {@code ℓ_i(θ) ≈ ψ(a_i + ∇u_i(θ*)ᵀ(θ − θ*))} with
 * {@code ψ(a_i) = ℓ_i(θ*)}. For a scalar output with squared error ({@link LossLink#SQUARE}) or logistic loss
 * ({@link LossLink#LOGISTIC}) this is exactly the paper's output linearisation; for dense and other losses it is the
 * Gauss–Newton model of the per-sample loss. Only the shared parameters ({@link MultiTaskBlock#sharedParameters()})
 * move; the task heads stay at {@code θ*}, as in a network whose heads are not retrained.
 *
 * <p><b>Steps.</b>
 * <ol>
 *   <li>per-sample gradients {@code g_ti = ∇_θ ℓ_ti(θ*)} of every training sample and task with respect to the
 *       {@code D} shared parameters ({@link SampleGradients}: batch size 1, inference mode, one backward pass per
 *       task with the graph kept), projected on the device by a seeded Gaussian matrix,
 *       {@code φ_ti = M·g_ti}, {@code M = P/√d}, {@code P ∈ R^{d×D}}, {@code P_ab ~ N(0, 1)}
 *       ({@link GradientProjection});
 *   <li>for every subset {@code S}, the fit in {@code d} dimensions ({@link LinearisedFit}):
 *       <pre>
 *   w_S = argmin_w Σ_{t ∈ S} (1/n_t) Σ_i ψ_t(a_ti + ⟨h_ti, w⟩) + (λ/2)‖w‖²,   h_ti = φ_ti / ψ_t'(a_ti),</pre>
 *       closed-form least squares when every task of {@code S} uses the square link, Newton steps otherwise; the
 *       ridge weight is relative, {@code λ = ridge · c} with {@code c = (1/K) Σ_t tr ∇²J_t(0) / d}, the mean
 *       curvature of one task's term at {@code θ*}, so the trust region does not depend on the scale of the losses;
 *   <li>the implied parameters {@code θ_S = θ* + Mᵀw_S} and, for every {@code t ∈ S}, the estimated loss
 *       {@code L̂(S, t)} on the validation samples (and on the test samples, for a {@code test} split) — by
 *       {@link Evaluation#LINEARISED} (default: the fitted model, {@code (1/n) Σ_i ψ_t(a_ti + ⟨h_ti, w_S⟩)}, which
 *       needs the per-sample gradients of those splits too) or {@link Evaluation#NETWORK} (as the reference code:
 *       the network evaluated at {@code θ_S}, one pass over the split per subset). The network is only close to its
 *       linearisation near {@code θ*}: with a weak ridge the implied step leaves that region and the network's losses
 *       at {@code θ_S} blow up (measured on the synthetic scenes: relative ridge 0.1 gave losses 700 times the
 *       meta network's), so {@code NETWORK} needs a larger ridge weight than {@code LINEARISED}.
 * </ol>
 *
 * <p><b>Cost.</b> One training on all tasks; {@code N·K} single-sample backward passes (train split, and the
 * validation and test splits for {@code LINEARISED}) and {@code 2·N·K·D·d} flops of projection; per subset
 * {@code O(|S|·d² + d³)} for the fit (plus {@code O(n_t·d)} per Newton step of a logistic task) and, for
 * {@code NETWORK}, one evaluation pass per split — {@code 2^K − 1} subsets (at most 16 tasks). Memory: the projection,
 * {@code 4·d·D} bytes, on the heap and the device, and {@code 8·N·K·d} bytes of features. Deterministic for a given
 * network, data and seed.
 *
 * <p>The reference code (VirtuosoResearch/ScalableMTL) uses output gradients of a classification model, a
 * Rademacher projection and scikit-learn's logistic regression; here the projection is Gaussian as in the paper, and
 * the fit is the exact optimum of the stated objective.
 */
public final class GradTae {

    /** How the estimated loss of a subset is measured. */
    public enum Evaluation {
        /** The network at {@code θ* + Mᵀw_S}, evaluated on the split (the reference code). */
        NETWORK("network"),
        /** The linearised model at {@code w_S} on the split's per-sample gradients. */
        LINEARISED("linearised");

        private final String flag;

        Evaluation(String flag) {
            this.flag = flag;
        }

        /** @return {@code network} or {@code linearised} */
        public String flag() {
            return flag;
        }

        /**
         * The evaluation of a command-line value.
         *
         * @param flag {@code network} or {@code linearised}
         * @return the evaluation
         * @throws IllegalArgumentException for another value
         */
        public static Evaluation fromFlag(String flag) {
            for (Evaluation e : values()) {
                if (e.flag.equals(flag)) {
                    return e;
                }
            }
            throw new IllegalArgumentException("unknown evaluation '" + flag + "' (expected network or linearised)");
        }
    }

    private final int projectionDimension;
    private final long seed;
    private final double ridge;
    private final int newtonSteps;
    private final Evaluation evaluation;
    private final int maxSamplesPerTask;
    private final int batchSize;
    private final String setting;
    private final ImmutableMap<String, LossLink> links;

    private GradTae(Builder b) {
        this.projectionDimension = b.projectionDimension;
        this.seed = b.seed;
        this.ridge = b.ridge;
        this.newtonSteps = b.newtonSteps;
        this.evaluation = b.evaluation;
        this.maxSamplesPerTask = b.maxSamplesPerTask;
        this.batchSize = b.batchSize;
        this.setting = b.setting;
        this.links = ImmutableMap.copyOf(b.links);
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains the meta-initialisation: one network of the given design on all tasks of the study data, with the
     * library's training loop (the caller closes the model).
     *
     * @param data the study data
     * @param architecture how tasks share
     * @param encoder the encoder design
     * @param settings the training recipe
     * @return the trained model
     */
    public static MultiTaskModel trainMetaModel(StudyData data, Architecture architecture, EncoderFactory encoder,
            TrainingSettings settings) {
        MultiTaskModel model = MultiTask.builder().input(data.inputShape().getShape()).encoder(encoder)
                .sharing(architecture).tasks(data.tasks()).settings(settings).build();
        try {
            model.trainer().fit(data.train(), null);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Estimates the table from a model trained on all tasks of {@code data}: gradients on the training split,
     * estimates on the validation ({@code val}) and test ({@code test}) splits.
     *
     * @param model the meta-initialisation
     * @param data the study data, whose tasks are the model's
     * @return the estimates
     */
    public Result estimate(MultiTaskModel model, StudyData data) {
        checkNotNull(model, "model");
        checkNotNull(data, "data");
        List<String> mine = model.tasks().stream().map(Task::name).toList();
        List<String> theirs = data.tasks().stream().map(Task::name).toList();
        checkArgument(mine.equals(theirs), "the model's tasks %s differ from the data's %s", mine, theirs);
        return estimate(model.network(), model.tasks(), data.train(), data.validation(), data.test(),
                model.djlModel().getNDManager());
    }

    /**
     * Estimates the table from a network at {@code θ*}.
     *
     * @param network the network, trained on all tasks
     * @param tasks its tasks, in output order
     * @param train the samples whose gradients define the fit
     * @param validation the samples of the {@code val} split's estimates
     * @param test the samples of the {@code test} split's estimates, or null for no test split
     * @param manager a manager on the network's device
     * @return the estimates
     */
    public Result estimate(MultiTaskBlock network, List<Task> tasks, RandomAccessDataset train,
            RandomAccessDataset validation, RandomAccessDataset test, NDManager manager) {
        long start = System.nanoTime();
        checkNotNull(network, "network");
        checkNotNull(train, "train");
        checkNotNull(validation, "validation");
        List<String> names = tasks.stream().map(Task::name).toList();
        checkArgument(names.size() <= 16, "Grad-TAE estimates every subset: at most 16 tasks, got %s", names.size());
        for (String t : links.keySet()) {
            checkArgument(names.contains(t), "a link is given for task %s, which is not among %s", t, names);
        }
        List<LossLink> taskLinks = new ArrayList<>();
        for (Task t : tasks) {
            taskLinks.add(links.getOrDefault(t.name(), LossLink.forLoss(t.loss())));
        }
        long dimension = SampleGradients.dimension(network);
        GradientProjection projection = GradientProjection.gaussian(projectionDimension, dimension, seed);
        ImmutableList<ProjectedSamples> trainSamples = SampleGradients.collect(network, tasks, taskLinks, train,
                projection, maxSamplesPerTask, manager);
        List<LinearisedFit.Prepared> prepared = new ArrayList<>();
        double curvature = 0;
        for (ProjectedSamples s : trainSamples) {
            LinearisedFit.Prepared p = LinearisedFit.prepare(s);
            prepared.add(p);
            curvature += p.curvatureTrace();
        }
        curvature /= prepared.size() * (double) projectionDimension;
        double lambda = curvature > 0 && Double.isFinite(curvature) ? ridge * curvature : ridge;

        ImmutableList<ImmutableList<String>> subsets = HigherOrderSurrogate.subsetsInTableOrder(names);
        Map<String, double[]> weights = new LinkedHashMap<>();
        for (List<String> s : subsets) {
            List<LinearisedFit.Prepared> parts = new ArrayList<>();
            for (String t : s) {
                parts.add(prepared.get(names.indexOf(t)));
            }
            weights.put(LossesCsv.networkName(names, s, false),
                    LinearisedFit.solvePrepared(parts, lambda, newtonSteps));
        }

        Map<String, LossTable> splits = new LinkedHashMap<>();
        if (evaluation == Evaluation.LINEARISED) {
            splits.put(EstimatedLosses.VAL, linearisedTable(names, subsets, weights, SampleGradients.collect(network,
                    tasks, taskLinks, validation, projection, 0, manager)));
            if (test != null) {
                splits.put(EstimatedLosses.TEST, linearisedTable(names, subsets, weights, SampleGradients.collect(
                        network, tasks, taskLinks, test, projection, 0, manager)));
            }
        } else {
            List<Candidate> val = new ArrayList<>();
            List<Candidate> tst = new ArrayList<>();
            for (List<String> s : subsets) {
                String name = LossesCsv.networkName(names, s, false);
                double[] step = projection.lift(weights.get(name));
                val.add(candidate(name, s, SampleGradients.evaluateShifted(network, tasks, validation, step,
                        batchSize, manager)));
                if (test != null) {
                    tst.add(candidate(name, s, SampleGradients.evaluateShifted(network, tasks, test, step, batchSize,
                            manager)));
                }
            }
            splits.put(EstimatedLosses.VAL, LossTable.of(names, val));
            if (test != null) {
                splits.put(EstimatedLosses.TEST, LossTable.of(names, tst));
            }
        }
        ImmutableMap.Builder<String, Integer> counts = ImmutableMap.builder();
        ImmutableMap.Builder<String, LossLink> used = ImmutableMap.builder();
        ImmutableMap.Builder<String, Double> atMeta = ImmutableMap.builder();
        for (int t = 0; t < names.size(); t++) {
            counts.put(names.get(t), trainSamples.get(t).size());
            used.put(names.get(t), taskLinks.get(t));
            atMeta.put(names.get(t), trainSamples.get(t).meanLoss());
        }
        return new Result(new EstimatedLosses(setting, ImmutableList.copyOf(names), ImmutableMap.copyOf(splits)),
                ImmutableMap.copyOf(weights), lambda, dimension, projectionDimension, used.build(), counts.build(),
                atMeta.build(), evaluation, (System.nanoTime() - start) / 1e9);
    }

    private static Candidate candidate(String name, List<String> members, EvaluationResult r) {
        Map<String, Double> losses = new LinkedHashMap<>();
        for (String t : members) {
            losses.put(t, r.task(t).loss());
        }
        return Candidate.of(name, 1.0, losses);
    }

    private static LossTable linearisedTable(List<String> names, List<ImmutableList<String>> subsets,
            Map<String, double[]> weights, List<ProjectedSamples> samples) {
        List<Candidate> out = new ArrayList<>();
        for (List<String> s : subsets) {
            String name = LossesCsv.networkName(names, s, false);
            Map<String, Double> losses = new LinkedHashMap<>();
            for (String t : s) {
                losses.put(t, LinearisedFit.loss(samples.get(names.indexOf(t)), weights.get(name)));
            }
            out.add(Candidate.of(name, 1.0, losses));
        }
        return LossTable.of(names, out);
    }

    /**
     * The outcome.
     *
     * @param losses the estimated tables, splits {@code val} (and {@code test})
     * @param weights subset name → fitted {@code w_S} (length {@code d}); {@code θ_S = θ* + Mᵀw_S}
     * @param lambda the absolute ridge weight used ({@code ridge · c})
     * @param gradientDimension {@code D}, the shared parameters' total size
     * @param projectionDimension {@code d}
     * @param links each task's link
     * @param samples each task's number of training samples in the fit
     * @param metaLoss each task's mean training loss at {@code θ*}
     * @param evaluation how the estimates were measured
     * @param seconds wall time (without the meta-training)
     */
    public record Result(EstimatedLosses losses, ImmutableMap<String, double[]> weights, double lambda,
            long gradientDimension, int projectionDimension, ImmutableMap<String, LossLink> links,
            ImmutableMap<String, Integer> samples, ImmutableMap<String, Double> metaLoss, Evaluation evaluation,
            double seconds) {}

    /** Builder of {@link GradTae}; every setter validates and names its value in the message. */
    public static final class Builder {
        private int projectionDimension = 200;
        private long seed = 42;
        private double ridge = 1;
        private int newtonSteps = 20;
        private Evaluation evaluation = Evaluation.LINEARISED;
        private int maxSamplesPerTask;
        private int batchSize = 16;
        private String setting = "mtl4j";
        private final Map<String, LossLink> links = new LinkedHashMap<>();

        private Builder() {}

        /**
         * @param value the projection dimension {@code d} (default 200, the reference code's)
         * @return this builder
         */
        public Builder projectionDimension(int value) {
            checkArgument(value >= 1, "the projection dimension must be positive, got %s", value);
            this.projectionDimension = value;
            return this;
        }

        /**
         * @param value the seed of the projection (default 42)
         * @return this builder
         */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * @param value the relative ridge weight ({@code λ = value · c}, default 1)
         * @return this builder
         */
        public Builder ridge(double value) {
            checkArgument(Double.isFinite(value) && value >= 0, "the ridge weight must be non-negative, got %s",
                    value);
            this.ridge = value;
            return this;
        }

        /**
         * @param value the most Newton steps of a fit (default 20; one suffices for square links)
         * @return this builder
         */
        public Builder newtonSteps(int value) {
            checkArgument(value >= 1, "at least one Newton step, got %s", value);
            this.newtonSteps = value;
            return this;
        }

        /**
         * @param value how the estimates are measured (default {@link Evaluation#LINEARISED})
         * @return this builder
         */
        public Builder evaluation(Evaluation value) {
            this.evaluation = checkNotNull(value, "evaluation");
            return this;
        }

        /**
         * @param value the most training samples per task (the first labelled ones), 0 for all (default)
         * @return this builder
         */
        public Builder maxSamplesPerTask(int value) {
            checkArgument(value >= 0, "the samples per task must be non-negative, got %s", value);
            this.maxSamplesPerTask = value;
            return this;
        }

        /**
         * @param value the batch size of the network evaluations (default 16)
         * @return this builder
         */
        public Builder batchSize(int value) {
            checkArgument(value >= 1, "the batch size must be positive, got %s", value);
            this.batchSize = value;
            return this;
        }

        /**
         * @param value the {@code setting} column of the losses file (default {@code mtl4j})
         * @return this builder
         */
        public Builder setting(String value) {
            this.setting = checkNotNull(value, "setting");
            return this;
        }

        /**
         * @param task a task
         * @param link the link for it, instead of {@link LossLink#forLoss}
         * @return this builder
         */
        public Builder link(String task, LossLink link) {
            links.put(checkNotNull(task, "task"), checkNotNull(link, "link"));
            return this;
        }

        /** @return the estimator */
        public GradTae build() {
            return new GradTae(this);
        }
    }
}
