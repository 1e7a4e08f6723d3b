package org.mtl4j.cli;

import static com.google.common.base.Preconditions.checkArgument;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import org.mtl4j.core.MultiTaskModel;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.grouping.BudgetSweep;
import org.mtl4j.grouping.Groupings;
import org.mtl4j.grouping.LossTable;
import org.mtl4j.grouping.Selection;
import org.mtl4j.grouping.SelectionMethod;
import org.mtl4j.grouping.TextFiles;
import org.mtl4j.grouping.affinity.AffinityGrouping;
import org.mtl4j.grouping.affinity.TransferGainRun;
import org.mtl4j.grouping.study.CandidateResult;
import org.mtl4j.grouping.study.CandidateSpec;
import org.mtl4j.grouping.study.GroupingStudy;
import org.mtl4j.grouping.study.StudyData;
import org.mtl4j.grouping.study.StudyResult;
import org.mtl4j.runs.GroupingData;

/**
 * What {@code mtl compare-grouping} does: run the full grouping study ({@code --approx none}) and each cheaper
 * grouping method through its own run class ({@link StudyRun}, {@link EstimateRun}, {@link AffinityRun}) or library
 * entry point ({@link TransferGainRun}) on the same data and recipe, with one shared candidate folder, and score
 * every method's choice for budgets 1 … n on the full study's test losses.
 *
 * <p>The regret of a choice at budget {@code b} is its test total on the full study's test losses minus the least
 * test total of any selection of cost at most {@code b} on the same losses (found by the exact solver). It is
 * therefore never negative for a choice of cost at most {@code b}; the row {@code full} is that optimum (regret 0),
 * {@code full-val} is what the full study itself chooses on its validation losses, as {@code mtl study} reports.
 */
public final class CompareGroupingRun {

    /** The methods compared besides the full study, in table order. */
    public static final String ALL_METHODS = "hoa,esa,tag,sampled,grad-tae,transfer,meta";
    /** The comparison file. */
    public static final String COMPARISON_FILE = "comparison.csv";
    /** Its header. */
    public static final String CSV_HEADER = "method,networks,network_epochs,seconds,budget,groups,cost,test_total,"
            + "optimal_test_total,regret,regret_percent";

    /**
     * The settings.
     *
     * @param data the data settings
     * @param methods the methods besides the full study ({@link #ALL_METHODS})
     * @param out the output folder
     * @param referenceStudy a finished full study whose candidates are reused, or null
     * @param candidates the shared candidate folder, or null for the default
     * @param fraction ESA's fraction of the epochs
     * @param subsetSize sampled: tasks per subset
     * @param subsets sampled: number of subsets
     * @param projectionDim Grad-TAE: projection dimension
     * @param maxSamples Grad-TAE: samples per task, 0 for all
     * @param every TAG and transfer gains: measure every this many steps
     * @param rate TAG: lookahead step size
     * @param arch the architecture
     * @param epochs full-training epochs
     * @param width encoder width
     * @param batchSize batch size
     * @param learningRate Adam learning rate
     * @param progress whether to draw progress bars
     */
    public record Options(GroupingData.Options data, List<String> methods, Path out, Path referenceStudy,
            Path candidates, double fraction, int subsetSize, int subsets, int projectionDim, int maxSamples,
            int every, float rate, String arch, int epochs, int width, int batchSize, float learningRate,
            boolean progress) {}

    /**
     * One method's cost and choices.
     *
     * @param method the method
     * @param networks the networks it trains to choose (trained once, possibly reused from the shared folder; a
     *     study's second phase, the chosen networks trained fully, is not counted)
     * @param networkEpochs their epochs summed
     * @param seconds their training time summed
     * @param choices budget → chosen networks ({@code +}-joined labels); a budget without a choice is absent
     */
    public record Method(String method, int networks, int networkEpochs, double seconds, Map<Integer, String> choices) {}

    /**
     * One cell of the table.
     *
     * @param method the method
     * @param budget the budget
     * @param groups the chosen networks
     * @param chosen the choice scored on the full study's test losses
     * @param optimalTotal the least test total at this budget
     */
    public record Cell(String method, int budget, String groups, Selection chosen, double optimalTotal) {

        /** @return test total minus the optimum */
        public double regret() {
            return chosen.objective() - optimalTotal;
        }

        /** @return the regret in percent of the optimum */
        public double regretPercent() {
            return 100 * regret() / optimalTotal;
        }
    }

    /**
     * The outcome.
     *
     * @param methods every method, the full study first
     * @param cells every scored choice
     * @param csv the written comparison file
     */
    public record Result(List<Method> methods, List<Cell> cells, Path csv) {}

    private final Options o;
    private final PrintStream out;
    private final PrintStream err;

    /**
     * Creates the run.
     *
     * @param options the settings
     * @param out where results go
     * @param err where progress goes
     */
    public CompareGroupingRun(Options options, PrintStream out, PrintStream err) {
        this.o = options;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs every method and writes the comparison.
     *
     * @return the outcome
     * @throws IOException when data cannot be read or a file cannot be written
     */
    public Result run() throws IOException {
        Set<String> methods = new LinkedHashSet<>();
        for (String m : o.methods()) {
            String t = m.trim().toLowerCase(Locale.ROOT);
            checkArgument(Arrays.asList(ALL_METHODS.split(",")).contains(t), "unknown method %s; one of %s", m,
                    ALL_METHODS);
            methods.add(t);
        }
        checkArgument(o.referenceStudy() == null || Files.isDirectory(o.referenceStudy()),
                "reference study %s is not a folder", o.referenceStudy());
        Files.createDirectories(o.out());
        Path shared = o.candidates() != null ? o.candidates()
                : o.referenceStudy() != null ? o.referenceStudy().resolve(GroupingStudy.CANDIDATES_DIR)
                : o.out().resolve(GroupingStudy.CANDIDATES_DIR);
        List<Method> results = new ArrayList<>();

        // the reference: every subset and the halves, fully trained
        // (its budget sweep is redone below once the task count is known)
        StudyResult full = study("none", shared, "1");
        LossTable test = full.losses().split("test");
        int n = full.losses().tasks().size();
        String budgets = budgetList(n);
        results.add(fromStudy("full-val", full, BudgetSweep.run(full.losses(), SelectionMethod.VAL, "test",
                BudgetSweep.parseBudgets(budgets), Groupings.exact())));
        for (String m : methods) {
            err.println("compare-grouping: " + m);
            switch (m) {
                case "hoa", "esa" -> {
                    StudyResult r = study(m, shared, budgets);
                    results.add(fromStudy(m, r, r.rows()));
                }
                case "sampled", "grad-tae", "meta" -> results.add(estimate(m, shared, budgets));
                case "tag" -> results.add(tag(n));
                case "transfer" -> results.add(transfer(n));
                default -> throw new IllegalStateException(m);
            }
        }

        Map<Integer, Selection> optimum = new LinkedHashMap<>();
        Map<Integer, String> optimalChoices = new LinkedHashMap<>();
        for (int b = 1; b <= n; b++) {
            Selection best = Groupings.exact().solve(test.problem(b));
            optimum.put(b, best);
            optimalChoices.put(b, best.label());
        }
        Method fullMethod = results.get(0);
        results.add(0, new Method("full", fullMethod.networks(), fullMethod.networkEpochs(), fullMethod.seconds(),
                optimalChoices));
        List<Cell> cells = new ArrayList<>();
        StringBuilder csv = new StringBuilder(CSV_HEADER).append('\n');
        for (Method m : results) {
            for (int b = 1; b <= n; b++) {
                String label = m.choices().get(b);
                if (label == null) {
                    continue;
                }
                Selection chosen = test.evaluate(Arrays.asList(label.split("\\+")));
                checkArgument(chosen.cost() <= b + 1e-9, "%s chose %s of cost %s at budget %s", m.method(), label,
                        chosen.cost(), b);
                Cell c = new Cell(m.method(), b, label, chosen, optimum.get(b).objective());
                cells.add(c);
                csv.append(String.join(",", m.method(), Integer.toString(m.networks()),
                        Integer.toString(m.networkEpochs()), String.format(Locale.ROOT, "%.3f", m.seconds()),
                        Integer.toString(b), label, StudyRun.plain(chosen.cost()), Double.toString(chosen.objective()),
                        Double.toString(c.optimalTotal()), Double.toString(c.regret()),
                        Double.toString(c.regretPercent()))).append('\n');
            }
        }
        Path file = o.out().resolve(COMPARISON_FILE);
        TextFiles.writeAtomically(file, csv.toString());
        out.println();
        out.printf(Locale.ROOT, "regret on the full study's test losses (%s): test total of the chosen networks − the "
                + "least test total at that budget; networks shared through %s%n", full.lossesCsv(), shared);
        out.println();
        out.print(markdown(results, cells, n));
        out.println();
        out.println("wrote " + file + "; each method's own output is in " + o.out() + "/<method>.log");
        return new Result(results, cells, file);
    }

    static String budgetList(int n) {
        StringJoiner j = new StringJoiner(",");
        for (int b = 1; b <= n; b++) {
            j.add(Integer.toString(b));
        }
        return j.toString();
    }

    static String markdown(List<Method> methods, List<Cell> cells, int n) {
        StringBuilder s = new StringBuilder("| method | networks | network-epochs | seconds |");
        StringBuilder rule = new StringBuilder("|---|---:|---:|---:|");
        for (int b = 1; b <= n; b++) {
            s.append(" budget ").append(b).append(" |");
            rule.append("---|");
        }
        s.append('\n').append(rule).append('\n');
        for (Method m : methods) {
            s.append(String.format(Locale.ROOT, "| %s | %d | %d | %.1f |", m.method(), m.networks(),
                    m.networkEpochs(), m.seconds()));
            for (int b = 1; b <= n; b++) {
                Cell c = null;
                for (Cell x : cells) {
                    if (x.method().equals(m.method()) && x.budget() == b) {
                        c = x;
                    }
                }
                s.append(c == null ? " – |" : String.format(Locale.ROOT, " %s: %+.4f (%+.1f%%) |", c.groups(),
                        c.regret(), c.regretPercent()));
            }
            s.append('\n');
        }
        return s.toString();
    }

    private PrintStream log(String method) throws IOException {
        OutputStream f = Files.newOutputStream(o.out().resolve(method + ".log"));
        return new PrintStream(f, true, StandardCharsets.UTF_8);
    }

    private StudyResult study(String approx, Path shared, String budgets) throws IOException {
        String dir = approx.equals("none") ? "full" : approx;
        try (PrintStream log = log(dir)) {
            return new StudyRun(new StudyRun.Options(o.data(), approx, o.fraction(), budgets,
                    o.out().resolve(dir), shared, o.arch(), o.epochs(), o.width(), o.batchSize(), o.learningRate(),
                    o.progress(), null, null), log, err).run();
        }
    }

    private static Method fromStudy(String name, StudyResult r, List<BudgetSweep.Row> rows) {
        // the networks the method trains to choose: the study's first phase, whose losses form the selection split
        // (the networks it then trains fully for the chosen groups are deployment, as for every other method)
        Set<String> splits = new LinkedHashSet<>(r.losses().splits());
        splits.remove("test");
        checkArgument(splits.size() == 1, "expected one selection split besides test, got %s", r.losses().splits());
        int firstPhase = r.losses().split(splits.iterator().next()).candidates().size();
        Map<CandidateSpec, CandidateResult> distinct = new LinkedHashMap<>();
        for (CandidateResult c : r.candidates().subList(0, firstPhase)) {
            distinct.putIfAbsent(c.spec(), c);
        }
        Map<Integer, String> choices = new LinkedHashMap<>();
        for (BudgetSweep.Row row : rows) {
            choices.put((int) row.budget(), row.networks());
        }
        return new Method(name, distinct.size(), distinct.keySet().stream().mapToInt(CandidateSpec::epochs).sum(),
                distinct.values().stream().mapToDouble(CandidateResult::seconds).sum(), choices);
    }

    private Method estimate(String method, Path shared, String budgets) throws IOException {
        EstimateRun.Result r;
        try (PrintStream log = log(method)) {
            r = new EstimateRun(new EstimateRun.Options(o.data(), method, o.subsetSize(), o.subsets(), "ridge",
                    method.equals("sampled"), null, o.projectionDim(), "linearised", o.maxSamples(), 32, 2000, budgets,
                    o.out().resolve(method), shared, o.arch(), o.epochs(), o.width(), o.batchSize(), o.learningRate(),
                    o.progress(), null, null), log, err).run();
        }
        Map<Integer, String> choices = new LinkedHashMap<>();
        for (BudgetSweep.Row row : r.rows()) {
            choices.put((int) row.budget(), row.networks());
        }
        return new Method(method, r.networks(), r.networkEpochs(), r.networkSeconds(), choices);
    }

    private Method tag(int n) throws IOException {
        AffinityRun.Result r;
        try (PrintStream log = log("tag")) {
            r = new AffinityRun(new AffinityRun.Options(o.data(), n, o.every(), o.rate(), 0, o.out().resolve("tag"),
                    null, o.arch(), o.epochs(), o.width(), o.batchSize(), o.learningRate(), null), log, err).run();
        }
        Map<Integer, String> choices = new LinkedHashMap<>();
        for (int b = 1; b <= r.groups().size(); b++) {
            AffinityGrouping.Result g = r.groups().get(b - 1);
            choices.put(b, g.label());
        }
        return new Method("tag", 1, o.epochs(), r.seconds(), choices);
    }

    private Method transfer(int n) throws IOException {
        Architecture arch = TrainRun.architecture(o.arch());
        StudyData data = GroupingData.load(o.data(), err);
        long t0 = System.nanoTime();
        TransferGainRun.Result r;
        try (MultiTaskModel model = GroupingData.jointModel(data, arch, o.width(), o.epochs(), o.batchSize(),
                o.learningRate(), o.data().seed(), false)) {
            r = TransferGainRun.run(model, data.train(), data.validation(),
                    TransferGainRun.Options.paper(o.every(), n), o.out().resolve("transfer"));
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Map<Integer, String> choices = new LinkedHashMap<>();
        for (TransferGainRun.Choice c : r.choices()) {
            choices.put(c.budget(), c.groups().label());
        }
        return new Method("transfer", 1, o.epochs(), seconds, choices);
    }
}
