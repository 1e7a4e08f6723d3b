package org.mtl4j.grouping.estimators;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.common.collect.ImmutableList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.mtl4j.core.data.EngineArrays;

/**
 * A learned predictor of multi-task gains: from a task subset's membership mask to the gain of every member, fitted
 * on the subsets trained so far — the meta-learner of Song, Chen, Li, Zhao and Li, "Efficient and Effective
 * Multi-Task Grouping via Meta Learning on Task Combinations" (MTG-Net, NeurIPS 2022).
 *
 * <p><b>Model.</b> A small transformer over learned task embeddings, attention restricted to the subset's members, a
 * linear read-out per member (formula in the package-private {@code GainNetwork}; the reference's
 * {@code HOINetTransformer} with one head, width {@code h} and {@code L} layers, no dropout).
 *
 * <p><b>Fit.</b> Full-batch Adam (learning rate 0.007, L2 weight decay 5·10⁻⁴, the reference's) on the mean absolute
 * error over the members of every observed subset, stopped when the training error has not improved for
 * {@code patience} epochs or after {@code maxEpochs}; the prediction averages the {@code ensemble} parameter snapshots
 * with the lowest training error (the reference keeps two). Defaults in {@link Settings#defaults}. Seeded initialisation and Adam in Java arithmetic: the
 * same observations and seed give bit-identical predictions on CPU.
 *
 * <p><b>Cost.</b> An epoch is one forward and backward pass over the observed subsets, {@code O(N·L·(K²h + Kh²))};
 * predicting all {@code 2^K − 1} subsets is one forward pass. Use it through {@link MetaGainSampling}, or on any
 * measured gains.
 */
public final class GainPredictor {

    /**
     * The settings.
     *
     * @param hidden the width {@code h} of embeddings and layers
     * @param layers the number {@code L} of attention layers
     * @param learningRate Adam's learning rate
     * @param weightDecay the L2 weight decay added to every gradient
     * @param maxEpochs the most epochs
     * @param patience stop after this many epochs without a lower training error
     * @param ensemble how many of the best snapshots are averaged
     * @param seed the initialisation seed
     */
    public record Settings(int hidden, int layers, double learningRate, double weightDecay, int maxEpochs,
            int patience, int ensemble, long seed) {

        /**
         * Validates.
         *
         * @throws IllegalArgumentException naming a non-positive or non-finite value
         */
        public Settings {
            checkArgument(hidden >= 1, "the predictor's width must be positive, got %s", hidden);
            checkArgument(layers >= 1, "the predictor needs at least one layer, got %s", layers);
            checkArgument(learningRate > 0 && Double.isFinite(learningRate), "the predictor's learning rate must be "
                    + "positive, got %s", learningRate);
            checkArgument(weightDecay >= 0 && Double.isFinite(weightDecay), "weight decay must be non-negative, got "
                    + "%s", weightDecay);
            checkArgument(maxEpochs >= 1, "the predictor needs at least one epoch, got %s", maxEpochs);
            checkArgument(patience >= 1, "patience must be positive, got %s", patience);
            checkArgument(ensemble >= 1, "the ensemble needs at least one snapshot, got %s", ensemble);
        }

        /**
         * The reference's optimiser (Adam 0.007 with weight decay 5·10⁻⁴), two layers and two snapshots, with width
         * 32, patience 200 and at most 2,000 epochs. The reference's patience of 5 stopped here after about 30 epochs
         * with a training error barely below predicting no transfer (held-out error 98 % of no transfer's on an
         * additive gain model, against 35 % with these settings; {@code GainPredictorTest}).
         *
         * @param seed the initialisation seed
         * @return the settings
         */
        public static Settings defaults(long seed) {
            return new Settings(32, 2, 0.007, 5e-4, 2000, 200, 2, seed);
        }
    }

    /**
     * One measured subset.
     *
     * @param members the member tasks' positions
     * @param gains per task position, the gain of a member (finite) and NaN for a non-member
     */
    public record Observation(ImmutableList<Integer> members, double[] gains) {}

    private final int tasks;
    private final ImmutableList<GainNetwork> snapshots;
    private final int epochs;
    private final double trainingError;
    private final Device device;

    private GainPredictor(int tasks, List<GainNetwork> snapshots, int epochs, double trainingError, Device device) {
        this.tasks = tasks;
        this.snapshots = ImmutableList.copyOf(snapshots);
        this.epochs = epochs;
        this.trainingError = trainingError;
        this.device = device;
    }

    /**
     * Fits a predictor.
     *
     * @param taskCount the number {@code K} of tasks
     * @param observations the measured subsets (at least one)
     * @param settings the settings
     * @param device where the network runs
     * @return the fitted predictor
     * @throws IllegalArgumentException naming an observation with a member's gain missing or out of range
     */
    public static GainPredictor fit(int taskCount, List<Observation> observations, Settings settings,
            Device device) {
        checkArgument(taskCount >= 1, "at least one task, got %s", taskCount);
        checkArgument(!observations.isEmpty(), "the gain predictor needs at least one measured subset");
        checkNotNull(settings, "settings");
        int n = observations.size();
        float[] masks = new float[n * taskCount];
        float[] targets = new float[n * taskCount];
        for (int i = 0; i < n; i++) {
            Observation o = observations.get(i);
            checkArgument(o.gains().length == taskCount, "observation %s: %s gains for %s tasks", i,
                    o.gains().length, taskCount);
            for (int t : o.members()) {
                checkArgument(t >= 0 && t < taskCount, "observation %s: member %s is not a task position", i, t);
                checkArgument(Double.isFinite(o.gains()[t]), "observation %s: the gain of member %s is %s", i, t,
                        o.gains()[t]);
                masks[i * taskCount + t] = 1;
                targets[i * taskCount + t] = (float) o.gains()[t];
            }
        }
        GainNetwork net = GainNetwork.initial(taskCount, settings.hidden(), settings.layers(), settings.seed());
        Adam adam = new Adam(net.values, settings);
        List<GainNetwork> best = new ArrayList<>();
        List<Double> bestErrors = new ArrayList<>();
        double lowest = Double.POSITIVE_INFINITY;
        int since = 0;
        int epoch = 0;
        try (NDManager root = NDManager.newBaseManager(device)) {
            NDArray maskArray = EngineArrays.create(root, masks, new Shape(n, taskCount));
            NDArray targetArray = EngineArrays.create(root, targets, new Shape(n, taskCount));
            NDArray members = EngineArrays.scalar(root, Math.max(1f, maskArray.sum().getFloat()));
            while (epoch < settings.maxEpochs() && since < settings.patience()) {
                epoch++;
                float[][] grads = new float[net.values.length][];
                double error;
                try (NDManager m = root.newSubManager()) {
                    List<NDArray> p = net.arrays(m, true);
                    try (GradientCollector gc = m.getEngine().newGradientCollector()) {
                        NDArray loss = net.forward(p, maskArray).sub(targetArray).abs().sum().div(members);
                        gc.backward(loss);
                        error = loss.getFloat();
                    }
                    for (int i = 0; i < grads.length; i++) {
                        grads[i] = p.get(i).getGradient().toFloatArray();
                    }
                }
                // the error belongs to the parameters before this step: keep them if among the best
                keep(net, error, best, bestErrors, settings.ensemble());
                if (error < lowest) {
                    lowest = error;
                    since = 0;
                } else {
                    since++;
                }
                adam.step(net.values, grads);
            }
        }
        return new GainPredictor(taskCount, best, epoch, lowest, device);
    }

    private static void keep(GainNetwork net, double error, List<GainNetwork> best, List<Double> errors, int size) {
        if (best.size() < size) {
            best.add(net.copy());
            errors.add(error);
            return;
        }
        int worst = 0;
        for (int i = 1; i < errors.size(); i++) {
            if (errors.get(i) > errors.get(worst)) {
                worst = i;
            }
        }
        if (error < errors.get(worst)) {
            best.set(worst, net.copy());
            errors.set(worst, error);
        }
    }

    /**
     * Predicts the gains of several subsets.
     *
     * @param subsets each subset's member positions
     * @return per subset, the gain of each task position (0 for a non-member)
     */
    public double[][] predict(List<? extends List<Integer>> subsets) {
        int n = subsets.size();
        double[][] out = new double[n][tasks];
        if (n == 0) {
            return out;
        }
        float[] masks = new float[n * tasks];
        for (int i = 0; i < n; i++) {
            for (int t : subsets.get(i)) {
                checkArgument(t >= 0 && t < tasks, "subset %s: %s is not a task position", i, t);
                masks[i * tasks + t] = 1;
            }
        }
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray maskArray = EngineArrays.create(m, masks, new Shape(n, tasks));
            for (GainNetwork net : snapshots) {
                float[] g = net.forward(net.arrays(m, false), maskArray).toFloatArray();
                for (int i = 0; i < n; i++) {
                    for (int t = 0; t < tasks; t++) {
                        out[i][t] += g[i * tasks + t] / (double) snapshots.size();
                    }
                }
            }
        }
        return out;
    }

    /** @return the epochs the fit ran */
    public int epochs() {
        return epochs;
    }

    /** @return the lowest training error (mean absolute error over the members) */
    public double trainingError() {
        return trainingError;
    }

    /** @return how many snapshots the prediction averages */
    public int ensembleSize() {
        return snapshots.size();
    }

    /** Adam with L2 weight decay (PyTorch's {@code Adam(weight_decay=…)}), in float arithmetic on Java arrays. */
    private static final class Adam {
        private final float[][] first;
        private final float[][] second;
        private final Settings s;
        private int t;

        Adam(float[][] values, Settings s) {
            this.first = new float[values.length][];
            this.second = new float[values.length][];
            for (int i = 0; i < values.length; i++) {
                first[i] = new float[values[i].length];
                second[i] = new float[values[i].length];
            }
            this.s = s;
        }

        void step(float[][] values, float[][] grads) {
            t++;
            double c1 = 1 - Math.pow(0.9, t);
            double c2 = 1 - Math.pow(0.999, t);
            for (int i = 0; i < values.length; i++) {
                float[] v = values[i];
                for (int j = 0; j < v.length; j++) {
                    double g = grads[i][j] + s.weightDecay() * v[j];
                    first[i][j] = (float) (0.9 * first[i][j] + 0.1 * g);
                    second[i][j] = (float) (0.999 * second[i][j] + 0.001 * g * g);
                    v[j] -= (float) (s.learningRate() * (first[i][j] / c1) / (Math.sqrt(second[i][j] / c2) + 1e-8));
                }
            }
        }
    }

    @Override
    public String toString() {
        return "GainPredictor[tasks=" + tasks + ", epochs=" + epochs + ", trainingError=" + trainingError
                + ", ensemble=" + snapshots.size() + "]";
    }

    static double[] nanGains(int k) {
        double[] g = new double[k];
        Arrays.fill(g, Double.NaN);
        return g;
    }
}
