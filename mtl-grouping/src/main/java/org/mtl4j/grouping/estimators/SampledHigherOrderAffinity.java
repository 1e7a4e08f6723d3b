package org.mtl4j.grouping.estimators;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mtl4j.grouping.Candidate;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.TextFiles;
import org.mtl4j.grouping.affinity.AffinityMatrix;
import org.mtl4j.grouping.study.CandidateExecutor;
import org.mtl4j.grouping.study.CandidateResult;
import org.mtl4j.grouping.study.CandidateSpec;
import org.mtl4j.grouping.study.CandidateStore;
import org.mtl4j.grouping.study.GroupingStudy;
import org.mtl4j.grouping.study.NetworkRecipe;
import org.mtl4j.grouping.study.StudyListener;

/**
 * Sampled higher-order task affinity: train networks on {@code m} random task subsets of one size {@code s}, fit a
 * per-task surrogate of the loss a task reaches with a set of partners, and complete the loss of every task in every
 * task subset from it — the full losses table that the exact network-selection solver of Standley et al. (ICML 2020)
 * consumes ({@code mtl group --losses}).
 *
 * <p><b>Papers.</b> Li, Nguyen and Zhang, "Boosting Multitask Learning on Graphs through Higher-Order Task Affinities"
 * (KDD 2023): sample subsets of a fixed size, train one network per subset and take
 * {@code T_tj = mean_{sampled S ∋ t, j} L(S, t)} as the higher-order affinity
 * ({@link HigherOrderSurrogate.Kind#AVERAGE});
 * Li, Zhang and Zhang, "Identification of Negative Transfers in Multitask Learning Using Surrogate Models"
 * (TMLR 2023): fit {@code L(S, t) ≈ b_t + Σ_{j ∈ S, j ≠ t} θ_tj} by regression on the sampled subsets
 * ({@link HigherOrderSurrogate.Kind#RIDGE}, the default).
 *
 * <p><b>What is trained.</b> The {@code n} single-task networks (they pin {@code b_t}, give the averaging surrogate
 * its {@code L({t}, t)} and are the independent baseline), optionally the {@code n} half-size ones
 * ({@link Builder#halves}, kept as measured), and {@code m} distinct subsets of size {@code s} drawn by
 * {@link TaskSubsetSampler} with the sampling seed (all {@code C(n, s)} when {@code m} is at least that). Each is
 * one {@link CandidateSpec} of the {@link NetworkRecipe} — exactly the spec {@link GroupingStudy} gives the same
 * subset, so the two share a candidate folder — run through the {@link CandidateExecutor} (in this process, or on a
 * cluster with {@code --spark}); finished networks are stored at once in the candidate folder and reused on a
 * restart.
 *
 * <p><b>What is estimated.</b> The surrogate is fitted twice, on the validation and on the test losses of the trained
 * networks; each completes its split: every non-empty subset is a network of cost 1 whose loss for task {@code t} is
 * the measured one when that subset was trained ({@link Builder#keepMeasured}, default) and
 * {@link HigherOrderSurrogate#predict} otherwise. {@link Result#affinity()} gives the validation surrogate as a
 * TAG-style affinity matrix.
 *
 * <p><b>Cost.</b> {@code m + n} trainings (plus {@code n} half-size), against {@code 2^n − 1 + n} for the full study
 * and {@code n(n+1)/2 + n} for the pairwise higher-order approximation; the fit is {@code O(n⁴ + m·s²)} and the
 * completion {@code O(2^n·n)} (at most 16 tasks). The surrogate's quality grows with {@code m}: with {@code s = 2}
 * and all pairs drawn, the averaging surrogate is Standley et al.'s HOA.
 */
public final class SampledHigherOrderAffinity {

    /** The losses file written by {@link Result#write}. */
    public static final String LOSSES_FILE = "losses.csv";
    /** The affinity file written by {@link Result#write}. */
    public static final String AFFINITY_FILE = "affinity.csv";
    /** The file of the sampled subsets written by {@link Result#write}. */
    public static final String SUBSETS_FILE = "subsets.csv";

    private final NetworkRecipe recipe;
    private final ImmutableList<String> tasks;
    private final String setting;
    private final int subsetSize;
    private final int subsets;
    private final long samplingSeed;
    private final HigherOrderSurrogate.Kind surrogate;
    private final double ridge;
    private final boolean halves;
    private final boolean keepMeasured;
    private final Path candidateDirectory;
    private final CandidateExecutor executor;
    private final StudyListener listener;

    private SampledHigherOrderAffinity(Builder b) {
        this.recipe = b.recipe.build(b.description, b.tasks);
        this.tasks = recipe.tasks();
        this.setting = b.setting;
        this.subsetSize = b.subsetSize;
        this.subsets = b.subsets;
        this.samplingSeed = b.samplingSeed != null ? b.samplingSeed : recipe.seed();
        this.surrogate = b.surrogate;
        this.ridge = b.ridge;
        this.halves = b.halves;
        this.keepMeasured = b.keepMeasured;
        this.candidateDirectory = b.candidateDirectory;
        this.executor = b.executor;
        this.listener = b.listener;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The sampled subsets of size {@code s}, in draw order, each in task order.
     *
     * @return the subsets
     */
    public ImmutableList<ImmutableList<String>> sampledSubsets() {
        return TaskSubsetSampler.sample(tasks, subsetSize, subsets, samplingSeed);
    }

    /**
     * The networks to train: half-size singles (if asked), the singles, then the sampled subsets in draw order.
     *
     * @return the specs
     */
    public ImmutableList<CandidateSpec> plan() {
        ImmutableList.Builder<CandidateSpec> out = ImmutableList.builder();
        if (halves) {
            for (String t : tasks) {
                out.add(recipe.spec(List.of(t), true));
            }
        }
        for (String t : tasks) {
            out.add(recipe.spec(List.of(t)));
        }
        for (List<String> s : sampledSubsets()) {
            out.add(recipe.spec(s));
        }
        return out.build();
    }

    /**
     * Trains (or reloads) the planned networks, fits the surrogates and completes the tables.
     *
     * @return the outcome
     */
    public Result run() {
        long start = System.nanoTime();
        ImmutableList<CandidateSpec> plan = plan();
        CandidateStore store = candidateDirectory == null ? null : new CandidateStore(candidateDirectory);
        Map<CandidateSpec, CandidateResult> results = new LinkedHashMap<>();
        List<CandidateSpec> pending = new ArrayList<>();
        for (CandidateSpec s : plan) {
            Optional<CandidateResult> r = store == null ? Optional.empty() : store.load(s);
            if (r.isPresent()) {
                results.put(s, r.get());
            } else {
                pending.add(s);
            }
        }
        int reused = results.size();
        listener.phaseStarted("subsets", pending.size(), reused);
        int[] done = {0};
        executor.executeAll(pending, r -> {
            checkState(pending.contains(r.spec()), "the executor returned a result for %s, which was not asked for",
                    r.spec().name());
            checkState(!results.containsKey(r.spec()), "the executor returned candidate %s twice", r.spec().name());
            if (store != null) {
                store.save(r);
            }
            results.put(r.spec(), r);
            done[0]++;
            listener.candidateFinished(r, done[0], pending.size());
        });
        List<CandidateResult> ordered = new ArrayList<>();
        for (CandidateSpec s : plan) {
            CandidateResult r = results.get(s);
            checkState(r != null, "the executor returned no result for candidate %s", s.name());
            ordered.add(r);
        }
        HigherOrderSurrogate val = fit(ordered, false);
        HigherOrderSurrogate test = fit(ordered, true);
        Map<String, LossTable> splits = new LinkedHashMap<>();
        splits.put(EstimatedLosses.VAL, complete(val, ordered, false));
        splits.put(EstimatedLosses.TEST, complete(test, ordered, true));
        EstimatedLosses losses = new EstimatedLosses(setting, tasks, ImmutableMap.copyOf(splits));
        return new Result(sampledSubsets(), ImmutableList.copyOf(ordered), val, test, losses, pending.size(), reused,
                (System.nanoTime() - start) / 1e9);
    }

    private HigherOrderSurrogate fit(List<CandidateResult> trained, boolean test) {
        List<HigherOrderSurrogate.Observation> obs = new ArrayList<>();
        for (CandidateResult r : trained) {
            if (!r.spec().half()) {
                obs.add(new HigherOrderSurrogate.Observation(ImmutableSet.copyOf(r.spec().tasks()),
                        ImmutableMap.copyOf(test ? r.testLoss() : r.validationLoss())));
            }
        }
        return HigherOrderSurrogate.fit(surrogate, tasks, obs, ridge);
    }

    private LossTable complete(HigherOrderSurrogate s, List<CandidateResult> trained, boolean test) {
        List<Candidate> leading = new ArrayList<>();
        Map<Set<String>, Map<String, Double>> measured = new LinkedHashMap<>();
        for (CandidateResult r : trained) {
            Map<String, Double> losses = test ? r.testLoss() : r.validationLoss();
            if (r.spec().half()) {
                leading.add(Candidate.of(r.spec().name(), r.spec().cost(), losses));
            } else if (keepMeasured) {
                measured.put(Set.copyOf(r.spec().tasks()), losses);
            }
        }
        return s.complete(measured, leading);
    }

    /**
     * The outcome of a run.
     *
     * @param sampled the sampled subsets of size {@code s}, in draw order
     * @param trained every planned network's result (halves, singles, sampled subsets)
     * @param validation the surrogate fitted on validation losses
     * @param test the surrogate fitted on test losses
     * @param losses the completed tables, splits {@code val} and {@code test}
     * @param trainedThisRun networks trained by this run
     * @param reused networks reloaded from the candidate folder
     * @param seconds wall time
     */
    public record Result(ImmutableList<ImmutableList<String>> sampled, ImmutableList<CandidateResult> trained,
            HigherOrderSurrogate validation, HigherOrderSurrogate test, EstimatedLosses losses, int trainedThisRun,
            int reused, double seconds) {

        /**
         * The validation surrogate as affinities, {@code Z(j→t) = 1 − L̂({t, j}, t) / L̂({t}, t)}.
         *
         * @return the matrix
         */
        public AffinityMatrix affinity() {
            return validation.affinity();
        }

        /**
         * Writes {@value SampledHigherOrderAffinity#LOSSES_FILE}, {@value SampledHigherOrderAffinity#AFFINITY_FILE}
         * and {@value SampledHigherOrderAffinity#SUBSETS_FILE} (one sampled subset per line, tasks joined with
         * {@code &}) into a folder.
         *
         * @param dir the folder (created)
         * @throws IOException when a file cannot be written
         */
        public void write(Path dir) throws IOException {
            java.nio.file.Files.createDirectories(dir);
            losses.write(dir.resolve(LOSSES_FILE));
            TextFiles.writeAtomically(dir.resolve(AFFINITY_FILE), affinity().toCsv());
            StringBuilder sb = new StringBuilder("subset\n");
            for (List<String> s : sampled) {
                sb.append(String.join("&", s)).append('\n');
            }
            TextFiles.writeAtomically(dir.resolve(SUBSETS_FILE), sb.toString());
        }
    }

    /** Builder of {@link SampledHigherOrderAffinity}; every setter validates and names its value in the message. */
    public static final class Builder {
        private ImmutableList<String> tasks;
        private String description;
        private String setting = "mtl4j";
        private int subsetSize = -1;
        private int subsets = -1;
        private Long samplingSeed;
        private HigherOrderSurrogate.Kind surrogate = HigherOrderSurrogate.Kind.RIDGE;
        private double ridge = 1e-3;
        private boolean halves;
        private boolean keepMeasured = true;
        private final NetworkRecipe.Builder recipe = NetworkRecipe.builder();
        private Path candidateDirectory;
        private CandidateExecutor executor;
        private StudyListener listener = StudyListener.NONE;

        private Builder() {}

        /**
         * @param names the tasks, in column order (unique; at most 16, the completion's limit)
         * @return this builder
         */
        public Builder tasks(List<String> names) {
            checkNotNull(names, "tasks");
            checkArgument(names.size() >= 2, "sampled affinity needs at least two tasks, got %s", names);
            checkArgument(names.size() <= 16, "completing every subset of %s tasks is too many networks; at most 16",
                    names.size());
            checkArgument(new HashSet<>(names).size() == names.size(), "a task is listed twice in %s", names);
            this.tasks = ImmutableList.copyOf(names);
            return this;
        }

        /**
         * @param text what the data is ({@link org.mtl4j.grouping.study.StudyData#describe()}); part of every spec
         * @return this builder
         */
        public Builder dataDescription(String text) {
            this.description = checkNotNull(text, "data description");
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
         * @param value the size {@code s} of every sampled subset, at least 2 (and at most the number of tasks)
         * @return this builder
         */
        public Builder subsetSize(int value) {
            checkArgument(value >= 2, "the subset size must be at least 2 (single-task networks are always trained), "
                    + "got %s", value);
            this.subsetSize = value;
            return this;
        }

        /**
         * @param value the number {@code m} of distinct subsets to sample (all {@code C(n, s)} when larger)
         * @return this builder
         */
        public Builder subsets(int value) {
            checkArgument(value >= 1, "the number of sampled subsets must be positive, got %s", value);
            this.subsets = value;
            return this;
        }

        /**
         * @param value the seed of the subset sampling (default: the training seed)
         * @return this builder
         */
        public Builder samplingSeed(long value) {
            this.samplingSeed = value;
            return this;
        }

        /**
         * @param value the surrogate (default ridge)
         * @return this builder
         */
        public Builder surrogate(HigherOrderSurrogate.Kind value) {
            this.surrogate = checkNotNull(value, "surrogate");
            return this;
        }

        /**
         * @param value the ridge weight λ ≥ 0 of the ridge surrogate (default 1e-3)
         * @return this builder
         */
        public Builder ridge(double value) {
            checkArgument(Double.isFinite(value) && value >= 0, "the ridge weight must be non-negative, got %s",
                    value);
            this.ridge = value;
            return this;
        }

        /**
         * @param value whether to train the half-size single-task networks too (cost 0.5, kept as measured; default
         *     false)
         * @return this builder
         */
        public Builder halves(boolean value) {
            this.halves = value;
            return this;
        }

        /**
         * @param value whether a trained subset keeps its measured losses in the completed table (default true);
         *     false puts the surrogate's values everywhere
         * @return this builder
         */
        public Builder keepMeasured(boolean value) {
            this.keepMeasured = value;
            return this;
        }

        /**
         * @param name the architecture's name, as the executor's architecture reports it (default {@code hps})
         * @return this builder
         */
        public Builder architecture(String name) {
            recipe.architecture(name);
            return this;
        }

        /**
         * @param value the epochs of every training (default 6)
         * @return this builder
         */
        public Builder epochs(int value) {
            recipe.epochs(value);
            return this;
        }

        /**
         * @param value the encoder width (default 16)
         * @return this builder
         */
        public Builder width(int value) {
            recipe.width(value);
            return this;
        }

        /**
         * @param value the encoder width of a half-size network (default {@link GroupingStudy#halfWidth(int)})
         * @return this builder
         */
        public Builder halfWidth(int value) {
            recipe.halfWidth(value);
            return this;
        }

        /**
         * @param value the batch size (default 16)
         * @return this builder
         */
        public Builder batchSize(int value) {
            recipe.batchSize(value);
            return this;
        }

        /**
         * @param value the Adam learning rate (default 2e-3)
         * @return this builder
         */
        public Builder learningRate(float value) {
            recipe.learningRate(value);
            return this;
        }

        /**
         * @param value the training seed shared by every network (default 42)
         * @return this builder
         */
        public Builder seed(long value) {
            recipe.seed(value);
            return this;
        }

        /**
         * @param dir the folder of finished networks (shared with {@code mtl study}); null (default) keeps nothing
         * @return this builder
         */
        public Builder candidateDirectory(Path dir) {
            this.candidateDirectory = dir;
            return this;
        }

        /**
         * @param value trains the networks
         * @return this builder
         */
        public Builder executor(CandidateExecutor value) {
            this.executor = checkNotNull(value, "executor");
            return this;
        }

        /**
         * @param value receives progress (phase {@code subsets}; default none)
         * @return this builder
         */
        public Builder listener(StudyListener value) {
            this.listener = checkNotNull(value, "listener");
            return this;
        }

        /**
         * @return the estimator
         * @throws IllegalStateException naming a missing setting
         * @throws IllegalArgumentException when the subset size exceeds the number of tasks
         */
        public SampledHigherOrderAffinity build() {
            checkState(tasks != null, "tasks not set: call tasks(...)");
            checkState(description != null, "data description not set: call dataDescription(...)");
            checkState(subsetSize > 0, "subset size not set: call subsetSize(...)");
            checkState(subsets > 0, "number of subsets not set: call subsets(...)");
            checkState(executor != null, "executor not set: call executor(...), e.g. new InProcessExecutor(...)");
            checkArgument(subsetSize <= tasks.size(), "subset size %s exceeds the %s tasks", subsetSize,
                    tasks.size());
            return new SampledHigherOrderAffinity(this);
        }
    }
}
