package org.mtl4j.grouping.estimators;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import ai.djl.Device;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.mtl4j.grouping.Candidate;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.TextFiles;
import org.mtl4j.grouping.study.CandidateExecutor;
import org.mtl4j.grouping.study.CandidateResult;
import org.mtl4j.grouping.study.CandidateSpec;
import org.mtl4j.grouping.study.CandidateStore;
import org.mtl4j.grouping.study.LossesCsv;
import org.mtl4j.grouping.study.NetworkRecipe;
import org.mtl4j.grouping.study.StudyListener;

/**
 * Meta-learned task grouping with active sampling (MTG-Net; Song, Chen, Li, Zhao and Li, "Efficient and Effective
 * Multi-Task Grouping via Meta Learning on Task Combinations", NeurIPS 2022): train a few task subsets, fit a
 * {@link GainPredictor} from subset masks to per-task gains, let it choose the next subset to train, and finally
 * complete the loss of every task in every subset — the table the exact solver consumes ({@code mtl group}).
 *
 * <p><b>Gains.</b> The gain of task {@code t} in subset {@code S} is its relative loss reduction over its single-task
 * network, {@code g(S, t) = 1 − L(S, t) / L({t}, t)} (positive: the partners help); singles have gain 0.
 *
 * <p><b>Active sampling</b> (the reference's {@code activeper} strategy). Start from the {@code K} single-task networks
 * and the all-task network. In round {@code r = 0 … m−1} fit the predictor on the validation gains of every trained
 * network, take the task {@code c = r mod K}, and train the untrained subset (of two or more tasks) holding {@code c}
 * whose predicted gain for {@code c} is largest in magnitude — the combination the predictor finds most informative
 * about {@code c}; ties go to the first in the table's order. Each network goes through the {@link CandidateExecutor}
 * and is stored in the candidate folder at once; the picks are deterministic, so a restart reloads them.
 *
 * <p><b>Completion.</b> The predictor is fitted once more on the validation and once on the test gains; every
 * untrained subset gets {@code L̂(S, t) = L({t}, t)·(1 − ĝ(S, t))} and trained subsets keep their measured losses.
 *
 * <p><b>Cost.</b> {@code K + 1 + m} trainings (against {@code 2^K − 1} for the full study) and {@code m + 2} predictor
 * fits of a few seconds each; at most 16 tasks (the completed table has {@code 2^K − 1} rows).
 */
public final class MetaGainSampling {

    /** The losses file written by {@link Result#write}. */
    public static final String LOSSES_FILE = SampledHigherOrderAffinity.LOSSES_FILE;
    /** The file of the actively chosen subsets written by {@link Result#write}. */
    public static final String SUBSETS_FILE = SampledHigherOrderAffinity.SUBSETS_FILE;

    private final NetworkRecipe recipe;
    private final String setting;
    private final int rounds;
    private final GainPredictor.Settings predictor;
    private final Device device;
    private final Path candidateDirectory;
    private final CandidateExecutor executor;
    private final StudyListener listener;

    private MetaGainSampling(NetworkRecipe recipe, String setting, int rounds, GainPredictor.Settings predictor,
            Device device, Path candidateDirectory, CandidateExecutor executor, StudyListener listener) {
        this.recipe = recipe;
        this.setting = setting;
        this.rounds = rounds;
        this.predictor = predictor;
        this.device = device;
        this.candidateDirectory = candidateDirectory;
        this.executor = executor;
        this.listener = listener;
    }

    /**
     * Creates the estimator.
     *
     * @param recipe how every network is trained (2 to 16 tasks)
     * @param rounds the number {@code m} of actively chosen subsets (at most all untrained ones are trained)
     * @param predictor the predictor's settings
     * @param executor trains the networks
     * @return the estimator, with setting {@code mtl4j}, the CPU, no candidate folder and no listener
     */
    public static MetaGainSampling of(NetworkRecipe recipe, int rounds, GainPredictor.Settings predictor,
            CandidateExecutor executor) {
        checkNotNull(recipe, "recipe");
        checkArgument(recipe.tasks().size() >= 2 && recipe.tasks().size() <= 16, "meta-learned grouping needs 2 to 16 "
                + "tasks, got %s", recipe.tasks());
        checkArgument(rounds >= 0, "the number of actively chosen subsets must be non-negative, got %s", rounds);
        return new MetaGainSampling(recipe, "mtl4j", rounds, checkNotNull(predictor, "predictor"), Device.cpu(), null,
                checkNotNull(executor, "executor"), StudyListener.NONE);
    }

    /**
     * @param value the {@code setting} column of the losses file
     * @return a copy with it
     */
    public MetaGainSampling setting(String value) {
        return new MetaGainSampling(recipe, checkNotNull(value, "setting"), rounds, predictor, device,
                candidateDirectory, executor, listener);
    }

    /**
     * @param dir the folder of finished networks (shared with {@code mtl study}), or null to keep nothing
     * @param progress receives progress (phases {@code initial} and {@code active})
     * @param predictorDevice where the predictor runs
     * @return a copy with them
     */
    public MetaGainSampling storage(Path dir, StudyListener progress, Device predictorDevice) {
        return new MetaGainSampling(recipe, setting, rounds, predictor, checkNotNull(predictorDevice, "device"), dir,
                executor, checkNotNull(progress, "listener"));
    }

    /**
     * One actively chosen subset.
     *
     * @param round the round, from 0
     * @param task the task the round asked about
     * @param subset the chosen subset, in column order
     * @param predictedGain the predicted gain of {@code task} in it when it was chosen
     * @param measuredGain its measured validation gain
     */
    public record Acquisition(int round, String task, ImmutableList<String> subset, double predictedGain,
            double measuredGain) {}

    /**
     * The outcome.
     *
     * @param trained every trained network's result: singles, the all-task network, then the chosen subsets
     * @param acquisitions the chosen subsets in order
     * @param losses the completed tables, splits {@code val} and {@code test}
     * @param trainedThisRun networks trained by this run
     * @param reused networks reloaded from the candidate folder
     * @param seconds wall time
     */
    public record Result(ImmutableList<CandidateResult> trained, ImmutableList<Acquisition> acquisitions,
            EstimatedLosses losses, int trainedThisRun, int reused, double seconds) {

        /**
         * Writes {@value MetaGainSampling#LOSSES_FILE} and {@value MetaGainSampling#SUBSETS_FILE}
         * ({@code round,task,subset,predicted_gain,measured_gain}, the subset's tasks joined with {@code &}).
         *
         * @param dir the folder (created)
         * @throws IOException when a file cannot be written
         */
        public void write(Path dir) throws IOException {
            Files.createDirectories(dir);
            losses.write(dir.resolve(LOSSES_FILE));
            StringBuilder sb = new StringBuilder("round,task,subset,predicted_gain,measured_gain\n");
            for (Acquisition a : acquisitions) {
                sb.append(a.round()).append(',').append(a.task()).append(',').append(String.join("&", a.subset()))
                        .append(',').append(a.predictedGain()).append(',').append(a.measuredGain()).append('\n');
            }
            TextFiles.writeAtomically(dir.resolve(SUBSETS_FILE), sb.toString());
        }
    }

    /**
     * Trains (or reloads) the initial and the actively chosen networks and completes the tables.
     *
     * @return the outcome
     */
    public Result run() {
        long start = System.nanoTime();
        List<String> tasks = recipe.tasks();
        int k = tasks.size();
        Training training = new Training();
        List<CandidateSpec> initial = new ArrayList<>();
        for (String t : tasks) {
            initial.add(recipe.spec(List.of(t)));
        }
        initial.add(recipe.spec(tasks));
        training.run("initial", initial);
        List<ImmutableList<String>> table = HigherOrderSurrogate.subsetsInTableOrder(tasks);
        List<Acquisition> acquisitions = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            int c = r % k;
            List<List<Integer>> open = new ArrayList<>();
            for (ImmutableList<String> s : table) {
                if (s.size() >= 2 && s.contains(tasks.get(c)) && !training.has(recipe.spec(s))) {
                    open.add(positions(s));
                }
            }
            if (open.isEmpty()) {
                continue;
            }
            double[][] predicted = GainPredictor.fit(k, observations(training.results(), false), predictor, device)
                    .predict(open);
            int pick = 0;
            for (int i = 1; i < open.size(); i++) {
                if (Math.abs(predicted[i][c]) > Math.abs(predicted[pick][c])) {
                    pick = i;
                }
            }
            ImmutableList<String> subset = open.get(pick).stream().map(tasks::get).collect(ImmutableList
                    .toImmutableList());
            CandidateResult got = training.run("active", List.of(recipe.spec(subset))).get(0);
            acquisitions.add(new Acquisition(r, tasks.get(c), subset, predicted[pick][c],
                    gain(training.results(), got, tasks.get(c), false)));
        }
        Map<String, LossTable> splits = new LinkedHashMap<>();
        splits.put(EstimatedLosses.VAL, complete(training.results(), false));
        splits.put(EstimatedLosses.TEST, complete(training.results(), true));
        return new Result(ImmutableList.copyOf(training.results()), ImmutableList.copyOf(acquisitions),
                new EstimatedLosses(setting, recipe.tasks(), ImmutableMap.copyOf(splits)), training.trained,
                training.reused, (System.nanoTime() - start) / 1e9);
    }

    private List<Integer> positions(List<String> members) {
        return members.stream().map(recipe.tasks()::indexOf).toList();
    }

    private static Map<String, Double> losses(CandidateResult r, boolean test) {
        return test ? r.testLoss() : r.validationLoss();
    }

    private static double gain(List<CandidateResult> trained, CandidateResult r, String task, boolean test) {
        for (CandidateResult s : trained) {
            if (s.spec().tasks().equals(List.of(task))) {
                return 1 - losses(r, test).get(task) / losses(s, test).get(task);
            }
        }
        throw new IllegalStateException("no single-task network of " + task);
    }

    private List<GainPredictor.Observation> observations(List<CandidateResult> trained, boolean test) {
        List<GainPredictor.Observation> out = new ArrayList<>();
        for (CandidateResult r : trained) {
            double[] g = GainPredictor.nanGains(recipe.tasks().size());
            for (String t : r.spec().tasks()) {
                Double loss = losses(r, test).get(t);
                checkState(loss != null && Double.isFinite(loss) && loss > 0, "network %s: the %s loss of %s is %s; "
                        + "gains need positive losses", r.spec().name(), test ? "test" : "validation", t, loss);
                g[recipe.tasks().indexOf(t)] = gain(trained, r, t, test);
            }
            out.add(new GainPredictor.Observation(ImmutableList.copyOf(positions(r.spec().tasks())), g));
        }
        return out;
    }

    private LossTable complete(List<CandidateResult> trained, boolean test) {
        List<String> tasks = recipe.tasks();
        GainPredictor p = GainPredictor.fit(tasks.size(), observations(trained, test), predictor, device);
        List<ImmutableList<String>> table = HigherOrderSurrogate.subsetsInTableOrder(tasks);
        double[][] g = p.predict(table.stream().map(this::positions).toList());
        Map<String, CandidateResult> byName = new LinkedHashMap<>();
        for (CandidateResult r : trained) {
            byName.put(r.spec().name(), r);
        }
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < table.size(); i++) {
            List<String> s = table.get(i);
            String name = LossesCsv.networkName(tasks, s, false);
            CandidateResult measured = byName.get(name);
            Map<String, Double> losses = new LinkedHashMap<>();
            for (String t : s) {
                double single = losses(byName.get(t), test).get(t);
                losses.put(t, measured != null ? losses(measured, test).get(t)
                        : single * (1 - g[i][tasks.indexOf(t)]));
            }
            out.add(Candidate.of(name, 1.0, losses));
        }
        return LossTable.of(tasks, out);
    }

    /** Loads or trains networks, keeping them in order. */
    private final class Training {
        private final CandidateStore store = candidateDirectory == null ? null : new CandidateStore(candidateDirectory);
        private final Map<CandidateSpec, CandidateResult> results = new LinkedHashMap<>();
        int trained;
        int reused;

        boolean has(CandidateSpec spec) {
            return results.containsKey(spec);
        }

        List<CandidateResult> results() {
            return new ArrayList<>(results.values());
        }

        List<CandidateResult> run(String phase, List<CandidateSpec> specs) {
            List<CandidateSpec> pending = new ArrayList<>();
            for (CandidateSpec s : specs) {
                Optional<CandidateResult> r = store == null ? Optional.empty() : store.load(s);
                if (r.isPresent()) {
                    results.put(s, r.get());
                    reused++;
                } else {
                    pending.add(s);
                }
            }
            listener.phaseStarted(phase, pending.size(), specs.size() - pending.size());
            int[] done = {0};
            executor.executeAll(pending, r -> {
                checkState(pending.contains(r.spec()) && !results.containsKey(r.spec()), "the executor returned an "
                        + "unexpected or repeated result for %s", r.spec().name());
                if (store != null) {
                    store.save(r);
                }
                results.put(r.spec(), r);
                trained++;
                done[0]++;
                listener.candidateFinished(r, done[0], pending.size());
            });
            List<CandidateResult> out = new ArrayList<>();
            for (CandidateSpec s : specs) {
                CandidateResult r = results.get(s);
                checkState(r != null, "the executor returned no result for candidate %s", s.name());
                out.add(r);
            }
            return out;
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "MetaGainSampling[tasks=%s, rounds=%d, predictor=%s]", recipe.tasks(),
                rounds, predictor);
    }
}
