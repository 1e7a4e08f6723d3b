package org.mtl4j.grouping.study;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.collect.ImmutableList;
import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mtl4j.grouping.TextFiles;
import org.mtl4j.grouping.BudgetSweep;
import org.mtl4j.grouping.Candidate;
import org.mtl4j.grouping.GroupingSolver;
import org.mtl4j.grouping.Groupings;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.MeasuredLosses;
import org.mtl4j.grouping.Selection;

/**
 * The task-grouping study of Standley et al., "Which Tasks Should Be Learned Together in Multi-task Learning?"
 * (ICML 2020), end to end: train every candidate network the chosen {@link StudyApproximation} needs, collect their
 * validation and test losses into the paper's CSV layout ({@code losses.csv}), choose the networks that minimise
 * {@code Σ_t min_{c ∈ S} L(c, t)} subject to {@code Σ_{c ∈ S} cost(c) ≤ B} for every budget {@code B} with the exact
 * solver, and — for an approximation — train the chosen networks and the two baselines fully, so every reported
 * total is a real test loss.
 *
 * <p><b>Candidates.</b> {@code NONE} and {@code ESA}: every non-empty task subset (cost 1) and every task alone in a
 * half-size network (cost 0.5, encoder width {@code w/√2}, about half the multiply-adds); {@code HOA}: single-task,
 * pair and half-size networks. {@code ESA} trains each for {@code max(1, round(f·E))} of the {@code E} epochs. All
 * networks share the recipe and the seed, so they differ only in their tasks and size.
 *
 * <p><b>Splits written.</b> {@code NONE}: {@code val} and {@code test} for all networks. {@code HOA}: {@code val}
 * for the trained singles, pairs and halves (from which {@code mtl group --select hoa} completes every larger group)
 * and {@code test} for those and the fully trained chosen networks. {@code ESA}: {@code esa_<f>pct} for all
 * candidates and {@code test} for the fully trained chosen networks and baselines. The study selects on the table
 * read back from that file with the same code as {@code mtl group}, so {@code mtl group --losses losses.csv
 * --select <val|hoa|esa> --report test} gives identical selections, and its {@code --out} CSV equals
 * {@code groupings.csv}.
 *
 * <p><b>Resuming.</b> Each finished network is written at once to {@code candidates/} ({@link CandidateStore}); a
 * restarted study skips every network whose result is there, so a killed study loses at most the network it was
 * training. Studies that share a candidate folder ({@link Builder#candidateDirectory}) reuse each other's networks.
 * Create with {@link #builder()}.
 */
public final class GroupingStudy {

    /** The file of the losses table. */
    public static final String LOSSES_FILE = "losses.csv";
    /** The file of the chosen networks per budget ({@link BudgetSweep#toCsv}). */
    public static final String GROUPINGS_FILE = "groupings.csv";
    /** The file of the pairwise relationship table. */
    public static final String PAIRWISE_FILE = "pairwise.csv";
    /** The summary. */
    public static final String SUMMARY_FILE = "study.json";
    /** The folder of the per-candidate results. */
    public static final String CANDIDATES_DIR = "candidates";

    private final NetworkRecipe recipe;
    private final ImmutableList<String> tasks;
    private final String setting;
    private final StudyApproximation approximation;
    private final double esaFraction;
    private final ImmutableList<Double> budgets;
    private final Path directory;
    private final Path candidateDirectory;
    private final CandidateExecutor executor;
    private final StudyListener listener;
    private final GroupingSolver solver = Groupings.exact();

    private GroupingStudy(Builder b) {
        this.recipe = b.recipe.build(b.description, b.tasks);
        this.tasks = recipe.tasks();
        this.setting = b.setting;
        this.approximation = b.approximation;
        this.esaFraction = b.esaFraction;
        this.budgets = b.budgets;
        this.directory = b.directory;
        this.candidateDirectory = b.candidateDirectory != null ? b.candidateDirectory
                : b.directory.resolve(CANDIDATES_DIR);
        this.executor = b.executor;
        this.listener = b.listener;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The width of a half-size encoder: multiply-adds of a convolutional encoder grow with the square of its width,
     * so half the multiply-adds is {@code round(w/√2)} (at least 1).
     *
     * @param fullWidth the full encoder width
     * @return the half-size width
     */
    public static int halfWidth(int fullWidth) {
        return Math.max(1, (int) Math.round(fullWidth / Math.sqrt(2)));
    }

    /**
     * The epochs of an early-stopped candidate: {@code max(1, round(fraction · epochs))}.
     *
     * @param fraction the fraction of training
     * @param epochs the full schedule
     * @return the early-stopped epochs
     */
    public static int esaEpochs(double fraction, int epochs) {
        return Math.max(1, (int) Math.round(fraction * epochs));
    }

    /**
     * The name of the early-stopped split, {@code esa_<percent>pct}.
     *
     * @return the split name
     */
    public String esaSplit() {
        return String.format(Locale.ROOT, "esa_%dpct", Math.round(100 * esaFraction));
    }

    /**
     * The networks of the first phase, in the paper's row order.
     *
     * @return the specs
     */
    public ImmutableList<CandidateSpec> plan() {
        List<CandidateSpec> out = new ArrayList<>();
        int n = tasks.size();
        for (String t : tasks) {
            out.add(recipe.spec(List.of(t), true));
        }
        for (int mask = 1; mask < 1 << n; mask++) {
            int size = Integer.bitCount(mask);
            if (approximation == StudyApproximation.HOA && size > 2) {
                continue;
            }
            List<String> members = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                if ((mask & (1 << t)) != 0) {
                    members.add(tasks.get(t));
                }
            }
            out.add(recipe.spec(members));
        }
        ImmutableList<CandidateSpec> ordered = LossesCsv.canonicalOrder(tasks, out);
        if (approximation == StudyApproximation.ESA) {
            int e = esaEpochs(esaFraction, recipe.epochs());
            return ordered.stream().map(s -> s.withEpochs(e)).collect(ImmutableList.toImmutableList());
        }
        return ordered;
    }

    /**
     * Runs (or resumes) the study and writes {@code losses.csv}, {@code groupings.csv}, {@code pairwise.csv} and
     * {@code study.json} into the study folder.
     *
     * @return the outcome
     * @throws UncheckedIOException if a file cannot be written
     */
    public StudyResult run() {
        long start = System.nanoTime();
        CandidateStore store = new CandidateStore(candidateDirectory);
        int[] counts = new int[2];
        List<CandidateSpec> first = plan();
        Map<CandidateSpec, CandidateResult> phase1 = runPhase("candidates", first, store, counts);

        // selection, through the CSV exactly as mtl group reads it
        String selectionSplit = approximation == StudyApproximation.ESA ? esaSplit() : "val";
        List<LossesCsv.Row> selectionRows = new ArrayList<>();
        for (CandidateSpec s : first) {
            selectionRows.add(new LossesCsv.Row(selectionSplit, s, phase1.get(s).validationLoss()));
        }
        MeasuredLosses selectionData = parse(LossesCsv.write(setting, tasks, selectionRows), "the selection table");
        LossTable selectionTable = approximation.selectionMethod().selectionTable(selectionData);
        List<Selection> chosen = new ArrayList<>();
        for (double b : budgets) {
            chosen.add(solver.solve(selectionTable.problem(b)));
        }

        // networks to report on: fully trained
        Map<String, CandidateResult> full = new LinkedHashMap<>();
        if (approximation != StudyApproximation.ESA) {
            for (CandidateSpec s : first) {
                full.put(s.name(), phase1.get(s));
            }
        }
        List<CandidateSpec> second = new ArrayList<>();
        Set<String> wanted = new LinkedHashSet<>();
        for (Selection s : chosen) {
            for (Candidate c : s.networks()) {
                wanted.add(c.name());
            }
        }
        for (String t : tasks) {
            wanted.add(LossesCsv.networkName(tasks, List.of(t), false));
        }
        wanted.add(LossesCsv.networkName(tasks, tasks, false));
        for (String name : wanted) {
            if (!full.containsKey(name)) {
                Candidate c = selectionTable.candidate(name);
                second.add(recipe.spec(c.tasks(), name.endsWith("(half)")));
            }
        }
        second = new ArrayList<>(LossesCsv.canonicalOrder(tasks, second));
        Map<CandidateSpec, CandidateResult> phase2 = second.isEmpty() ? Map.of()
                : runPhase("final", second, store, counts);
        for (CandidateSpec s : second) {
            full.put(s.name(), phase2.get(s));
        }

        // the losses file
        List<LossesCsv.Row> rows = new ArrayList<>(selectionRows);
        List<CandidateSpec> fullSpecs = LossesCsv.canonicalOrder(tasks,
                full.values().stream().map(CandidateResult::spec).toList());
        for (CandidateSpec s : fullSpecs) {
            rows.add(new LossesCsv.Row("test", s, full.get(s.name()).testLoss()));
        }
        String csv = LossesCsv.write(setting, tasks, rows);
        Path lossesFile = directory.resolve(LOSSES_FILE);
        writeAtomically(lossesFile, csv);
        MeasuredLosses data = parse(csv, lossesFile.toString());
        ImmutableList<BudgetSweep.Row> sweep = BudgetSweep.run(data, approximation.selectionMethod(), "test", budgets,
                solver);
        for (int i = 0; i < budgets.size(); i++) {
            checkState(sweep.get(i).networks().equals(chosen.get(i).label()),
                    "budget %s: the table read back chose %s, the study trained %s", budgets.get(i),
                    sweep.get(i).networks(), chosen.get(i).label());
        }
        writeAtomically(directory.resolve(GROUPINGS_FILE), BudgetSweep.toCsv(sweep));

        LossTable test = data.split("test");
        Selection allInOne = test.evaluate(List.of(LossesCsv.networkName(tasks, tasks, false)));
        Selection independent = test.evaluate(tasks.stream().map(t -> LossesCsv.networkName(tasks, List.of(t), false))
                .toList());
        PairwiseRelations pairwise = PairwiseRelations.of(test, "test");
        if (!pairwise.complete()) {
            pairwise = PairwiseRelations.of(data.split(selectionSplit), selectionSplit);
        }
        writeAtomically(directory.resolve(PAIRWISE_FILE), pairwise.toCsv());

        List<CandidateResult> all = new ArrayList<>(phase1.values());
        all.addAll(phase2.values());
        double seconds = (System.nanoTime() - start) / 1e9;
        StudyResult result = new StudyResult(approximation, data, lossesFile, sweep, allInOne, independent, pairwise,
                ImmutableList.copyOf(all), counts[0], counts[1], seconds);
        writeAtomically(directory.resolve(SUMMARY_FILE), summary(result));
        return result;
    }

    private Map<CandidateSpec, CandidateResult> runPhase(String phase, List<CandidateSpec> specs, CandidateStore store,
            int[] counts) {
        Map<CandidateSpec, CandidateResult> results = new LinkedHashMap<>();
        List<CandidateSpec> pending = new ArrayList<>();
        for (CandidateSpec s : specs) {
            Optional<CandidateResult> r = store.load(s);
            if (r.isPresent()) {
                results.put(s, r.get());
            } else {
                pending.add(s);
            }
        }
        counts[1] += results.size();
        listener.phaseStarted(phase, pending.size(), results.size());
        int[] done = {0};
        executor.executeAll(pending, r -> {
            checkState(pending.contains(r.spec()), "the executor returned a result for %s, which was not asked for",
                    r.spec().name());
            checkState(!results.containsKey(r.spec()), "the executor returned candidate %s twice", r.spec().name());
            store.save(r);
            results.put(r.spec(), r);
            done[0]++;
            counts[0]++;
            listener.candidateFinished(r, done[0], pending.size());
        });
        for (CandidateSpec s : specs) {
            checkState(results.containsKey(s), "the executor returned no result for candidate %s", s.name());
        }
        Map<CandidateSpec, CandidateResult> ordered = new LinkedHashMap<>();
        for (CandidateSpec s : specs) {
            ordered.put(s, results.get(s));
        }
        return ordered;
    }

    private static MeasuredLosses parse(String csv, String source) {
        return MeasuredLosses.parse(List.of(csv.split("\n")), source);
    }

    private String summary(StudyResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("approximation", approximation.flag());
        m.put("selection_method", approximation.selectionMethod().flag());
        m.put("tasks", tasks);
        m.put("data", recipe.description());
        Map<String, Object> training = new LinkedHashMap<>();
        training.put("architecture", recipe.architecture());
        training.put("epochs", recipe.epochs());
        if (approximation == StudyApproximation.ESA) {
            training.put("esa_fraction", esaFraction);
            training.put("esa_epochs", esaEpochs(esaFraction, recipe.epochs()));
        }
        training.put("width", recipe.width());
        training.put("half_width", recipe.halfWidth());
        training.put("batch_size", recipe.batchSize());
        training.put("learning_rate", recipe.learningRate());
        training.put("seed", recipe.seed());
        m.put("recipe", training);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (BudgetSweep.Row row : r.rows()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("budget", row.budget());
            x.put("networks", row.networks());
            x.put("cost", row.cost());
            x.put("selection_objective", row.selectionObjective());
            x.put("test_total", row.reportTotal());
            rows.add(x);
        }
        m.put("budgets", rows);
        Map<String, Object> baselines = new LinkedHashMap<>();
        baselines.put("all_in_one", Map.of("networks", r.allInOne().label(), "cost", r.allInOne().cost(),
                "test_total", r.allInOne().objective()));
        baselines.put("independent", Map.of("networks", r.independent().label(), "cost", r.independent().cost(),
                "test_total", r.independent().objective()));
        m.put("baselines", baselines);
        m.put("pairwise_source", r.pairwise().source());
        m.put("trained_this_run", r.trained());
        m.put("reused_from_disk", r.reused());
        m.put("seconds_this_run", r.seconds());
        double train = 0;
        Map<String, Double> perCandidate = new LinkedHashMap<>();
        for (CandidateResult c : r.candidates()) {
            train += c.seconds();
            int epochs = c.spec().epochs();
            perCandidate.put(c.spec().name() + (epochs != recipe.epochs() ? " (" + epochs + " epochs)" : ""),
                    c.seconds());
        }
        m.put("candidate_seconds_total", train);
        m.put("candidate_seconds", perCandidate);
        // the PyTorch thread counts the candidates trained with: losses repeat bit for bit only for the same count
        m.put("torch_threads", r.candidates().stream().map(CandidateResult::torchThreads).distinct().sorted()
                .toList());
        return new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(m);
    }

    static void writeAtomically(Path file, String text) {
        try {
            TextFiles.writeAtomically(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Builder of {@link GroupingStudy}; every setter validates and names its value in the message. */
    public static final class Builder {
        private ImmutableList<String> tasks;
        private String description;
        private String setting = "mtl4j";
        private StudyApproximation approximation = StudyApproximation.NONE;
        private double esaFraction = 0.2;
        private final NetworkRecipe.Builder recipe = NetworkRecipe.builder();
        private ImmutableList<Double> budgets = BudgetSweep.PAPER_BUDGETS;
        private Path directory;
        private Path candidateDirectory;
        private CandidateExecutor executor;
        private StudyListener listener = StudyListener.NONE;

        private Builder() {}

        /**
         * @param names the study's tasks, in column order (unique, at most 12: {@code 2^12} networks)
         * @return this builder
         */
        public Builder tasks(List<String> names) {
            checkNotNull(names, "tasks");
            checkArgument(!names.isEmpty(), "a study needs at least one task");
            checkArgument(names.size() <= 12, "a study of %s tasks trains %s networks; at most 12 tasks",
                    names.size(), (1L << names.size()) - 1);
            checkArgument(new HashSet<>(names).size() == names.size(), "a task is listed twice in %s", names);
            for (String t : names) {
                checkArgument(t != null && t.matches("[A-Za-z0-9_.-]+"),
                        "task name '%s' must consist of letters, digits, _ . -", t);
            }
            this.tasks = ImmutableList.copyOf(names);
            return this;
        }

        /**
         * @param text what the data is ({@link StudyData#describe()}); part of every candidate's identity
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
         * @param value how the candidates are trained (default {@link StudyApproximation#NONE})
         * @return this builder
         */
        public Builder approximation(StudyApproximation value) {
            this.approximation = checkNotNull(value, "approximation");
            return this;
        }

        /**
         * @param value the fraction of the epochs an early-stopped candidate trains, in (0, 1] (default 0.2)
         * @return this builder
         */
        public Builder esaFraction(double value) {
            checkArgument(value > 0 && value <= 1, "ESA fraction must lie in (0, 1], got %s", value);
            this.esaFraction = value;
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
         * @param value the epochs of a full training (default 6)
         * @return this builder
         */
        public Builder epochs(int value) {
            recipe.epochs(value);
            return this;
        }

        /**
         * @param value the encoder width of a full-size network (default 16)
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
         * @param value the seed shared by every candidate (default 42)
         * @return this builder
         */
        public Builder seed(long value) {
            recipe.seed(value);
            return this;
        }

        /**
         * @param values the budgets in full single-task networks (default 1, 1.5, …, 5)
         * @return this builder
         */
        public Builder budgets(List<Double> values) {
            checkNotNull(values, "budgets");
            checkArgument(!values.isEmpty(), "no budgets given");
            for (double b : values) {
                checkArgument(Double.isFinite(b) && b >= 1, "budget %s is below 1, the cost of the all-in-one network",
                        b);
            }
            this.budgets = ImmutableList.copyOf(values);
            return this;
        }

        /**
         * @param dir the study folder (results, losses and candidates)
         * @return this builder
         */
        public Builder directory(Path dir) {
            this.directory = checkNotNull(dir, "directory");
            return this;
        }

        /**
         * Shares finished networks between studies: results are keyed by their full spec, so studies with other
         * approximations over the same data and recipe reuse each other's networks (an HOA study after a full one
         * trains nothing; an ESA study trains only its early-stopped candidates).
         *
         * @param dir the folder of candidate results (default {@code <study folder>/candidates})
         * @return this builder
         */
        public Builder candidateDirectory(Path dir) {
            this.candidateDirectory = checkNotNull(dir, "candidate directory");
            return this;
        }

        /**
         * @param value trains the candidates
         * @return this builder
         */
        public Builder executor(CandidateExecutor value) {
            this.executor = checkNotNull(value, "executor");
            return this;
        }

        /**
         * @param value receives progress (default none)
         * @return this builder
         */
        public Builder listener(StudyListener value) {
            this.listener = checkNotNull(value, "listener");
            return this;
        }

        /**
         * @return the study
         * @throws IllegalStateException naming a missing setting
         */
        public GroupingStudy build() {
            checkState(tasks != null, "tasks not set: call tasks(...)");
            checkState(description != null, "data description not set: call dataDescription(...)");
            checkState(directory != null, "study folder not set: call directory(...)");
            checkState(executor != null, "executor not set: call executor(...), e.g. new InProcessExecutor(...)");
            return new GroupingStudy(this);
        }
    }
}
