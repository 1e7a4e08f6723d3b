package org.mtl4j.cli;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Splitter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.mtl4j.core.model.Architecture;
import org.mtl4j.grouping.TextFiles;
import org.mtl4j.grouping.study.StudyData;
import org.mtl4j.grouping.taxonomy.TaxonomyProblem;
import org.mtl4j.grouping.taxonomy.TaxonomySelection;
import org.mtl4j.grouping.taxonomy.TransferResults;
import org.mtl4j.grouping.taxonomy.TransferTrainer;
import org.mtl4j.runs.GroupingData;

/**
 * What {@code mtl taxonomy} does: train the sources, the readouts on their frozen encoders and the from-scratch
 * networks (or read a transfer matrix), normalise per target with AHP and choose the sources to supervise under the
 * budget, first order and — when the results hold them — higher order (Zamir et al., "Taskonomy", CVPR 2018). Writes
 * {@code transfers.csv}, {@code quality.csv}, {@code quality.png} and {@code selection.txt}.
 */
public final class TaxonomyRun {

    /**
     * The settings of one {@code mtl taxonomy} run.
     *
     * @param data the data settings
     * @param budget the supervision budget
     * @param maxOrder the largest source set of a transfer
     * @param transfers a transfer-results CSV to use instead of training, or null
     * @param costs supervision costs {@code task=cost,...}, or null for 1 each
     * @param out the output folder
     * @param arch the architecture
     * @param epochs source epochs
     * @param readoutEpochs readout and scratch epochs
     * @param transferSamples training samples of readouts and scratch networks
     * @param width encoder width
     * @param batchSize batch size
     * @param learningRate Adam learning rate
     */
    public record Options(GroupingData.Options data, double budget, int maxOrder, Path transfers, String costs,
            Path out, String arch, int epochs, int readoutEpochs, int transferSamples, int width, int batchSize,
            float learningRate) {}

    /**
     * The outcome.
     *
     * @param results the transfer results
     * @param selections order → the selection with transfers up to that order
     */
    public record Result(TransferResults results, Map<Integer, TaxonomySelection> selections) {}

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
    public TaxonomyRun(Options options, PrintStream out, PrintStream err) {
        this.o = options;
        this.out = out;
        this.err = err;
    }

    /**
     * Runs.
     *
     * @return the outcome
     * @throws IOException when data cannot be read or a file cannot be written
     */
    public Result run() throws IOException {
        checkArgument(o.budget() >= 0 && Double.isFinite(o.budget()), "--budget must be non-negative, got %s",
                o.budget());
        checkArgument(o.maxOrder() >= 1, "--max-order must be at least 1, got %s", o.maxOrder());
        Files.createDirectories(o.out());
        TransferResults results;
        if (o.transfers() != null) {
            checkArgument(Files.isRegularFile(o.transfers()), "transfer results %s do not exist or are not a file",
                    o.transfers());
            results = TransferResults.read(o.transfers());
            out.println("read the transfer results " + o.transfers());
        } else {
            Architecture arch = TrainRun.architecture(o.arch());
            StudyData data = GroupingData.load(o.data(), err);
            TransferTrainer trainer = new TransferTrainer(data, arch, GroupingData.encoders(data.inputShape()))
                    .width(o.width()).epochs(o.epochs()).readoutEpochs(o.readoutEpochs())
                    .transferSamples(o.transferSamples()).batchSize(o.batchSize()).learningRate(o.learningRate())
                    .seed(o.data().seed()).maxOrder(o.maxOrder()).directory(o.out().resolve("networks"))
                    .progress((label, done, total, s) -> err.printf(Locale.ROOT, "taxonomy %d/%d: %s (%.0f s)%n", done,
                            total, label, s));
            out.printf(Locale.ROOT, "transfer taxonomy (Zamir et al., CVPR 2018): %d networks — sources on %d "
                    + "samples (%d epochs), readouts and from-scratch networks on %d samples (%d epochs)%n",
                    trainer.networkCount(), data.train().size(), o.epochs(), Math.min(o.transferSamples(),
                            data.train().size()), o.readoutEpochs());
            long t0 = System.nanoTime();
            results = trainer.run();
            out.printf(Locale.ROOT, "trained in %.1f min%n", (System.nanoTime() - t0) / 6e10);
            Path transfers = o.out().resolve("transfers.csv");
            TextFiles.writeAtomically(transfers, results.toCsv());
            out.println("wrote " + transfers);
        }
        Map<String, Double> costs = parseCosts(o.costs());
        int available = 1;
        for (String t : results.targets()) {
            for (TransferResults.Transfer tr : results.transfers(t)) {
                if (!tr.sources().equals(java.util.Set.of(t))) {
                    available = Math.max(available, tr.order());
                }
            }
        }
        int top = Math.min(o.maxOrder(), available);
        Map<Integer, TaxonomySelection> selections = new LinkedHashMap<>();
        StringBuilder report = new StringBuilder();
        for (int order = 1; order <= top; order++) {
            TaxonomyProblem p = TaxonomyProblem.of(results, order, costs, Map.of());
            TaxonomySelection s = p.solve(o.budget());
            selections.put(order, s);
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "%n%s transfers: AHP quality per target (rows sum to 1; contenders: "
                    + "the target's own network, each source, scratch)%n", order == 1 ? "first-order"
                    : "order ≤ " + order));
            sb.append(p.toTable());
            sb.append(String.format(Locale.ROOT, "budget %s: supervise %s (cost %s), total quality %.4f%n",
                    StudyRun.plain(o.budget()), s.sources().isEmpty() ? "nothing" : String.join(",", s.sources()),
                    StudyRun.plain(s.cost()), s.objective()));
            for (String t : p.targets()) {
                String via = s.transfer().get(t);
                String how = via.equals(t) ? "its own supervised network" : via.equals(TransferResults.SCRATCH)
                        ? "trained from scratch on the small split" : "readout on " + via;
                sb.append(String.format(Locale.ROOT, "  %-8s ← %-30s quality %.4f%n", t, how, s.quality().get(t)));
            }
            out.print(sb);
            report.append(sb);
            if (order == 1) {
                writeQuality(p);
            }
        }
        Path selection = o.out().resolve("selection.txt");
        TextFiles.writeAtomically(selection, report.toString().strip() + "\n");
        out.println("wrote " + selection + ", " + o.out().resolve("quality.csv") + " and "
                + o.out().resolve("quality.png"));
        return new Result(results, selections);
    }

    private void writeQuality(TaxonomyProblem p) throws IOException {
        List<String> cols = new ArrayList<>();
        cols.add("self");
        cols.addAll(p.tasks());
        cols.add(TransferResults.SCRATCH);
        double[][] v = new double[p.targets().size()][cols.size()];
        StringBuilder csv = new StringBuilder("target,").append(String.join(",", cols)).append('\n');
        for (int t = 0; t < p.targets().size(); t++) {
            String target = p.targets().get(t);
            Map<String, Double> q = p.qualities().get(target);
            csv.append(target);
            for (int c = 0; c < cols.size(); c++) {
                String key = c == 0 ? target : cols.get(c).equals(target) ? null : cols.get(c);
                Double x = key == null ? null : q.get(key);
                v[t][c] = x == null ? Double.NaN : x;
                csv.append(',').append(x == null ? "" : Double.toString(x));
            }
            csv.append('\n');
        }
        TextFiles.writeAtomically(o.out().resolve("quality.csv"), csv.toString());
        GroupingPlots.heatMap("First-order transfer quality (AHP)", "target", "source", p.targets(), cols, v, "0.00",
                o.out().resolve("quality.png"));
    }

    static Map<String, Double> parseCosts(String spec) {
        Map<String, Double> m = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return m;
        }
        for (String part : Splitter.on(',').trimResults().omitEmptyStrings().split(spec)) {
            int eq = part.indexOf('=');
            checkArgument(eq > 0, "--costs entry '%s' must look like task=cost", part);
            try {
                m.put(part.substring(0, eq).strip(), Double.parseDouble(part.substring(eq + 1).strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--costs entry '" + part + "': the cost is not a number", e);
            }
        }
        return m;
    }
}
