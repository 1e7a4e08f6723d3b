package org.mtl4j.losses;

import com.google.common.collect.ImmutableSet;
import java.util.function.Supplier;
import org.mtl4j.core.weighting.GradientMode;
import org.mtl4j.core.weighting.LossWeighting;
import org.mtl4j.core.weighting.WeightingProvider;

/**
 * Static factories of the loss-weighting and gradient-combination strategies, for
 * {@code MultiTask.builder().weighting(...)} and {@code mtl train --weighting}. Each strategy is one small class
 * that follows its paper; the plain-array form of each rule is in {@link WeightingFunctions}.
 *
 * <p><b>Loss-based</b> (gradient mode {@link GradientMode#NONE}: one backward pass per step):
 * <ul>
 *   <li>{@link #equal()}, {@link #fixed(double...)}: {@code L = Σ_k λ_k L_k};
 *   <li>{@link #uncertainty()} (Kendall et al., CVPR 2018): learnable log-variances;
 *   <li>{@link #dwa()} (Liu et al., CVPR 2019): weights from the epoch-to-epoch loss ratios;
 *   <li>{@link #dtp()} (Guo et al., ECCV 2018): focal weights from each task's training metric;
 *   <li>{@link #rlw()} (Lin et al., TMLR 2022): random weights every step;
 *   <li>{@link #gls()} (Chennupati et al., CVPRW 2019): the geometric mean of the losses;
 *   <li>{@link #famo()} (Liu et al., NeurIPS 2023): equal-rate loss decrease at O(1) cost;
 *   <li>{@link #autoLambda()} (Liu et al., TMLR 2022): weights meta-learned on validation batches (bilevel);
 *   <li>{@link #stch()} (Lin et al., ICML 2024): the smooth Tchebycheff scalarisation;
 *   <li>{@link #scaleInvariant()} (Navon et al.'s SI-LS baseline): {@code Σ_k log L_k}.
 * </ul>
 * <b>Gradient-based</b> (per-task gradients; the builder picks the mode when none is set):
 * <ul>
 *   <li>{@link #gradNorm()} (Chen et al., ICML 2018; parameters or representation);
 *   <li>{@link #gradDrop()} (Chen et al., NeurIPS 2020; representation);
 *   <li>{@link #pcGrad()} (Yu et al., NeurIPS 2020; parameters);
 *   <li>{@link #mgda()} (Sener and Koltun, NeurIPS 2018; representation, the "UB" variant, or parameters);
 *   <li>{@link #caGrad()} (Liu et al., NeurIPS 2021; parameters);
 *   <li>{@link #imtl()} (Liu et al., ICLR 2021; parameters or representation);
 *   <li>{@link #nashMtl()} (Navon et al., ICML 2022; parameters);
 *   <li>{@link #gradVac()} (Wang et al., ICLR 2021; parameters or representation);
 *   <li>{@link #fairGrad()} (Ban and Ji, ICML 2024; parameters or representation);
 *   <li>{@link #moCo()} (Fernando et al., ICLR 2023; parameters);
 *   <li>{@link #dbMtl()} (Lin et al., 2023; parameters);
 *   <li>{@link #excessMtl()} (He et al., ICML 2024; parameters or representation);
 *   <li>{@link #alignedMtl()} (Senushkin et al., CVPR 2023; parameters or representation, the "UB" variant);
 *   <li>{@link #upGrad()}, {@link #dualProj()} (Quinton and Rey, 2024; parameters);
 *   <li>{@link #conFig()} (Liu et al., ICLR 2025; parameters);
 *   <li>{@link #moDo()} (Chen et al., NeurIPS 2023; parameters) and {@link #sdmGrad()} (Xiao et al., NeurIPS 2023;
 *       parameters), each on one batch's gradients.
 * </ul>
 * <b>Wrappers</b> of any gradient strategy:
 * <ul>
 *   <li>{@link #ema(LossWeighting, double)}: a moving average of its weights (CR-MOGM, Zhou et al., NeurIPS 2022);
 *   <li>{@link #perGroup(Supplier, int)}: the strategy per group of shared tensors;
 *   <li>{@link #logLosses(LossWeighting)}: the strategy on the gradients of {@code log L_k} (log-MGDA, log-CAGrad,
 *       log-IMTL of the FAMO paper's baselines).
 * </ul>
 * docs/weightings.md compares them on the synthetic scenes.
 */
public final class Weightings {

    /** The command-line names {@link #byName(String, int)} accepts ({@code name[:argument]}). */
    public static final String NAMES = WeightingSpecs.NAMES;

    private Weightings() {}

    /**
     * Returns a strategy by its command-line specification: a name, optionally followed by {@code :} and its
     * argument(s), for example {@code equal}, {@code fixed:1,0.5,2}, {@code dwa:2}, {@code gradnorm:1.5} or
     * {@code cagrad:0.5}. See {@link #NAMES}.
     *
     * @param spec the specification
     * @param taskCount the number of tasks
     * @return the strategy
     * @throws IllegalArgumentException naming the unknown name or the bad argument
     */
    public static LossWeighting byName(String spec, int taskCount) {
        return WeightingSpecs.parse(spec, taskCount);
    }

    /**
     * The built-in strategies ({@link #NAMES}) and those that {@link WeightingProvider}s on the class path add.
     *
     * @return the names as written on the command line, comma-separated
     */
    public static String available() {
        return WeightingSpecs.available();
    }

    /**
     * Equal weighting (LibMTL's EW): {@code L = Σ_k L_k}. The baseline every strategy is compared with; works in
     * every gradient mode.
     *
     * @return the strategy
     */
    public static LossWeighting equal() {
        return LossWeighting.equal();
    }

    /**
     * Fixed weights: {@code L = Σ_k λ_k L_k}, with weights found by a grid search (Vandenhende et al.'s baseline).
     *
     * @param weights one non-negative weight per task, in task order
     * @return the strategy
     */
    public static LossWeighting fixed(double... weights) {
        return LossWeighting.fixed(weights);
    }

    /**
     * Uncertainty weighting with log-variances starting at −0.5: {@code L = Σ_i e^{−s_i} L_i / 2 + s_i / 2}. Use it
     * when tasks have different noise levels or loss scales and no time for tuning; it is the cheapest adaptive
     * method (K extra parameters).
     *
     * @return the strategy
     */
    public static LossWeighting uncertainty() {
        return new UncertaintyWeighting(UncertaintyWeighting.DEFAULT_INITIAL_LOG_VARIANCE);
    }

    /**
     * Uncertainty weighting (Kendall et al., CVPR 2018).
     *
     * @param initialLogVariance the initial {@code s_i = log σ_i²}, finite
     * @return the strategy
     */
    public static LossWeighting uncertainty(double initialLogVariance) {
        return new UncertaintyWeighting(initialLogVariance);
    }

    /**
     * DWA with temperature 2: {@code λ_k = K softmax_k(L̄_k(t−1) / L̄_k(t−2) / T)}.
     *
     * @return the strategy
     */
    public static LossWeighting dwa() {
        return new DynamicWeightAverage(DynamicWeightAverage.DEFAULT_TEMPERATURE);
    }

    /**
     * DWA (Liu et al., CVPR 2019). Use it to favour tasks whose loss stalls; it needs several epochs to act.
     *
     * @param temperature T, positive; larger gives flatter weights
     * @return the strategy
     */
    public static LossWeighting dwa(double temperature) {
        return new DynamicWeightAverage(temperature);
    }

    /**
     * DTP with γ = 1 and a moving-average weight of 0.1: {@code L = Σ_k −(1 − κ̄_k)^γ log(κ̄_k) L_k}.
     *
     * @return the strategy
     */
    public static LossWeighting dtp() {
        return new DynamicTaskPrioritization(DynamicTaskPrioritization.DEFAULT_GAMMA,
                DynamicTaskPrioritization.DEFAULT_SMOOTHING);
    }

    /**
     * DTP (Guo et al., ECCV 2018). Use it to prioritise the tasks whose metric lags.
     *
     * @param gamma the focusing parameter γ ≥ 0
     * @param smoothing the weight β ∈ (0, 1] of the newest batch in the indicator's moving average
     * @return the strategy
     */
    public static LossWeighting dtp(double gamma, double smoothing) {
        return new DynamicTaskPrioritization(gamma, smoothing);
    }

    /**
     * Random loss weighting: {@code λ = softmax(z)}, {@code z ~ N(0, I)}, redrawn every step (Lin et al., TMLR
     * 2022). A sanity baseline for the other methods.
     *
     * @return the strategy
     */
    public static LossWeighting rlw() {
        return new RandomLossWeighting();
    }

    /**
     * The geometric loss strategy: {@code L = (Π_k L_k)^{1/K}} (Chennupati et al., CVPRW 2019). Use it when loss
     * scales differ by orders of magnitude: it is scale-invariant per task.
     *
     * @return the strategy
     */
    public static LossWeighting gls() {
        return new GeometricLossStrategy();
    }

    /**
     * FAMO with LibMTL's defaults (logit learning rate 0.025, weight decay 0.001).
     *
     * @return the strategy
     */
    public static LossWeighting famo() {
        return new Famo(Famo.DEFAULT_LOGIT_LEARNING_RATE, Famo.DEFAULT_LOGIT_WEIGHT_DECAY);
    }

    /**
     * FAMO (Liu et al., NeurIPS 2023). Use it for a balanced rate of improvement at nearly the cost of a plain step
     * (one extra forward pass, no per-task gradients).
     *
     * @param logitLearningRate the Adam learning rate of the logits, positive
     * @param logitWeightDecay the logits' weight decay, non-negative
     * @return the strategy
     */
    public static LossWeighting famo(double logitLearningRate, double logitWeightDecay) {
        return new Famo(logitLearningRate, logitWeightDecay);
    }

    /**
     * GradNorm with α = 1.5.
     *
     * @return the strategy
     */
    public static LossWeighting gradNorm() {
        return new GradNorm(GradNorm.DEFAULT_ALPHA);
    }

    /**
     * GradNorm (Chen et al., ICML 2018): weights learnt so that the gradient norms at the last shared layer follow
     * each task's relative training rate. Use it when tasks train at visibly different speeds.
     *
     * @param alpha the asymmetry α ≥ 0 (0 equalises the gradient norms)
     * @return the strategy
     */
    public static LossWeighting gradNorm(double alpha) {
        return new GradNorm(alpha);
    }

    /**
     * GradDrop without leak.
     *
     * @return the strategy
     */
    public static LossWeighting gradDrop() {
        return new GradDrop(0);
    }

    /**
     * GradDrop (Chen et al., NeurIPS 2020): keep, per activation, only the gradients of one sign, chosen at random
     * by the sign purity. Representation mode only.
     *
     * @param leak the share ℓ ∈ [0, 1] of every gradient that always passes
     * @return the strategy
     */
    public static LossWeighting gradDrop(double leak) {
        return new GradDrop(leak);
    }

    /**
     * PCGrad (Yu et al., NeurIPS 2020): project each task gradient off the others it conflicts with. Use it when
     * task gradients point in opposing directions. Parameter mode only.
     *
     * @return the strategy
     */
    public static LossWeighting pcGrad() {
        return new PcGrad();
    }

    /**
     * MGDA-UB (Sener and Koltun, NeurIPS 2018): the minimum-norm convex combination of the task gradients, a
     * Pareto-stationary descent direction. Prefers representation mode (the paper's upper bound); parameter mode
     * gives plain MGDA.
     *
     * @return the strategy
     */
    public static LossWeighting mgda() {
        return new Mgda();
    }

    /**
     * CAGrad with c = 0.5.
     *
     * @return the strategy
     */
    public static LossWeighting caGrad() {
        return new CaGrad(CaGrad.DEFAULT_ALPHA);
    }

    /**
     * CAGrad (Liu et al., NeurIPS 2021): the direction within a ball around the average gradient that most improves
     * the worst task. Parameter mode only.
     *
     * @param c the conflict radius (relative to ‖ḡ‖), ≥ 0; 0 gives the average gradient
     * @return the strategy
     */
    public static LossWeighting caGrad(double c) {
        return new CaGrad(c);
    }

    /**
     * IMTL (Liu et al., ICLR 2021), the hybrid of loss scaling (IMTL-L) and the closed-form equal-projection
     * gradient combination (IMTL-G). Parameter or representation mode.
     *
     * @return the strategy
     */
    public static LossWeighting imtl() {
        return new Imtl();
    }

    /**
     * Nash-MTL with the combined gradient clipped to norm 1, as in the reference code.
     *
     * @return the strategy
     */
    public static LossWeighting nashMtl() {
        return new NashMtl(NashMtl.DEFAULT_MAX_NORM);
    }

    /**
     * Nash-MTL (Navon et al., ICML 2022): the Nash bargaining solution {@code (GGᵀ)α = 1/α}. Parameter mode only.
     *
     * @param maxNorm the norm limit of the combined gradient, ≥ 0 (0: no limit)
     * @return the strategy
     */
    public static LossWeighting nashMtl(double maxNorm) {
        return new NashMtl(maxNorm);
    }

    /**
     * The exponential moving average of a gradient strategy's weights (CR-MOGM, Zhou et al., NeurIPS 2022):
     * {@code λ_t = β λ_{t−1} + (1 − β) λ̂_t}, {@code d = Σ_i λ_t,i g_i}. Use it to steady a strategy whose weights
     * jump from batch to batch (MGDA, Nash-MTL, Aligned-MTL on small batches). {@code --weighting ema(SPEC,beta)}.
     *
     * @param strategy a gradient strategy that reports its weights
     * @param beta the weight β ∈ [0, 1) of the past
     * @return the strategy
     */
    public static LossWeighting ema(LossWeighting strategy, double beta) {
        return new EmaWeights(GroupedWeighting.gradientBased(strategy), beta);
    }

    /**
     * A gradient strategy applied per group of shared tensors (TorchJD's per-group aggregation): one instance of the
     * strategy per group, the update the concatenation of theirs. {@code --weighting groups(SPEC)} (one group per
     * tensor) or {@code groups(SPEC,N)} (N consecutive groups of about equal size, roughly the encoder's stages).
     *
     * @param strategy makes one fresh instance per group; a gradient strategy without learnable weights
     * @param groups N, or 0 for one group per shared tensor
     * @return the strategy
     */
    public static LossWeighting perGroup(Supplier<LossWeighting> strategy, int groups) {
        return new GroupedWeighting(() -> GroupedWeighting.gradientBased(strategy.get()), groups);
    }

    /**
     * Aligned-MTL with the reference scale σ_min.
     *
     * @return the strategy
     */
    public static LossWeighting alignedMtl() {
        return new AlignedMtl(AlignedMtl.ScaleMode.MIN);
    }

    /**
     * Aligned-MTL (Senushkin et al., CVPR 2023): align the principal components of the task gradients so that the
     * aligned gradients are orthogonal with equal norm. Parameter mode, or representation mode (Aligned-MTL-UB).
     *
     * @param scaleMode {@code min} (default), {@code median} or {@code rmse}
     * @return the strategy
     */
    public static LossWeighting alignedMtl(String scaleMode) {
        return new AlignedMtl(AlignedMtl.ScaleMode.parse(scaleMode));
    }

    /**
     * UPGrad (Quinton and Rey, 2024): the mean of every task gradient's projection onto the dual cone of the task
     * gradients; conflicts with no task. TorchJD's defaults (norm_eps = reg_eps = 1e-4). Parameter mode.
     *
     * @return the strategy
     */
    public static LossWeighting upGrad() {
        return new UpGrad(DualCone.DEFAULT_NORM_EPS, DualCone.DEFAULT_REG_EPS);
    }

    /**
     * DualProj (Quinton and Rey, 2024): the mean gradient projected onto the dual cone of the task gradients.
     * Parameter mode.
     *
     * @return the strategy
     */
    public static LossWeighting dualProj() {
        return new DualProj(DualCone.DEFAULT_NORM_EPS, DualCone.DEFAULT_REG_EPS);
    }

    /**
     * ConFIG (Liu et al., ICLR 2025): the update with equal angles to all task gradients, its length the sum of
     * their projections. Parameter mode.
     *
     * @return the strategy
     */
    public static LossWeighting conFig() {
        return new ConFig();
    }

    /**
     * STCH with μ = 1 and 4 warm-up epochs (the reference defaults).
     *
     * @return the strategy
     */
    public static LossWeighting stch() {
        return new Stch(Stch.DEFAULT_MU, Stch.DEFAULT_WARMUP);
    }

    /**
     * The smooth Tchebycheff scalarisation (Lin et al., ICML 2024): {@code L = μ log Σ_i exp((log L_i − log n_i)/μ)}
     * with the nadir {@code n} measured in the warm-up. Use it to favour the currently worst task smoothly.
     *
     * @param mu the smoothing μ &gt; 0 (small: close to the max)
     * @param warmupEpochs the epochs of log-loss equal weighting before the nadir is fixed
     * @return the strategy
     */
    public static LossWeighting stch(double mu, int warmupEpochs) {
        return new Stch(mu, warmupEpochs);
    }

    /**
     * The scale-invariant loss {@code L = Σ_k log L_k} (SI-LS, a baseline of Navon et al., ICML 2022): invariant to
     * rescaling any task's loss, at the cost of a plain step.
     *
     * @return the strategy
     */
    public static LossWeighting scaleInvariant() {
        return new ScaleInvariantLoss();
    }

    /**
     * A gradient strategy applied to the gradients of the log losses, {@code ∇ log L_k = g_k / L_k} (log-MGDA,
     * log-CAGrad, log-IMTL in Liu et al.'s FAMO experiments). {@code --weighting log-SPEC}.
     *
     * @param inner a gradient strategy
     * @return the strategy
     */
    public static LossWeighting logLosses(LossWeighting inner) {
        return new LogLossGradients(inner);
    }

    /**
     * MoDo with the reference γ = 1e-3, ρ = 0.1.
     *
     * @return the strategy
     */
    public static LossWeighting moDo() {
        return new MoDo(MoDo.DEFAULT_GAMMA, MoDo.DEFAULT_RHO);
    }

    /**
     * MoDo (Chen et al., NeurIPS 2023): weights by projected gradient steps {@code λ ← Π_Δ(λ − γ(GGᵀλ + ρλ))}.
     * Parameter mode; one batch's gradients per step (the paper samples three).
     *
     * @param gamma the weights' step size γ &gt; 0
     * @param rho the regularisation ρ ≥ 0
     * @return the strategy
     */
    public static LossWeighting moDo(double gamma, double rho) {
        return new MoDo(gamma, rho);
    }

    /**
     * SDMGrad with the reference λ = 0.3.
     *
     * @return the strategy
     */
    public static LossWeighting sdmGrad() {
        return new SdmGrad(SdmGrad.DEFAULT_LAMBDA);
    }

    /**
     * SDMGrad (Xiao et al., NeurIPS 2023): the direction-oriented min-norm combination, pulled towards the average
     * gradient by λ. Parameter mode; one batch's gradients per step (the paper samples three).
     *
     * @param lambda the pull λ ≥ 0 towards the average gradient
     * @return the strategy
     */
    public static LossWeighting sdmGrad(double lambda) {
        return new SdmGrad(lambda);
    }

    /**
     * GradVac with β = 0.5 (LibMTL's default).
     *
     * @return the strategy
     */
    public static LossWeighting gradVac() {
        return new GradVac(GradVac.DEFAULT_BETA);
    }

    /**
     * GradVac (Wang et al., ICLR 2021): like PCGrad, but every pair of task gradients is steered towards a target
     * similarity learnt as a moving average, not only conflicting pairs towards orthogonality. Parameter mode
     * (preferred) or representation mode.
     *
     * @param beta the moving-average weight β ∈ [0, 1] of the targets
     * @return the strategy
     */
    public static LossWeighting gradVac(double beta) {
        return new GradVac(beta);
    }

    /**
     * FairGrad with α = 1 (proportional fairness, LibMTL's default).
     *
     * @return the strategy
     */
    public static LossWeighting fairGrad() {
        return new FairGrad(FairGrad.DEFAULT_ALPHA);
    }

    /**
     * FairGrad (Ban and Ji, ICML 2024): α-fair weights {@code (GGᵀ w)_i = w_i^{−1/α}}; larger α protects the slowest
     * task more. Parameter mode (preferred) or representation mode.
     *
     * @param alpha the fairness parameter α ≥ 0 (0: the plain sum)
     * @return the strategy
     */
    public static LossWeighting fairGrad(double alpha) {
        return new FairGrad(alpha);
    }

    /**
     * MoCo as in the paper (projected λ step, raw gradients) with LibMTL's step sizes: β = 0.5, σ_β = 0.5, γ = 0.1,
     * σ_γ = 0.5, ρ = 0.
     *
     * @return the strategy
     */
    public static LossWeighting moCo() {
        return new MoCo(MoCo.DEFAULT_BETA, MoCo.DEFAULT_BETA_SIGMA, MoCo.DEFAULT_GAMMA, MoCo.DEFAULT_GAMMA_SIGMA,
                MoCo.DEFAULT_RHO, false);
    }

    /**
     * MoCo as LibMTL implements it (loss-scaled unit gradients, softmax λ step), with its defaults.
     *
     * @return the strategy
     */
    public static LossWeighting moCoLibMtl() {
        return new MoCo(MoCo.DEFAULT_BETA, MoCo.DEFAULT_BETA_SIGMA, MoCo.DEFAULT_GAMMA, MoCo.DEFAULT_GAMMA_SIGMA,
                MoCo.DEFAULT_RHO, true);
    }

    /**
     * MoCo (Fernando et al., ICLR 2023): MGDA with tracked gradient estimates and one λ step per iteration, unbiased
     * with small batches. Keeps K copies of the shared gradient. Parameter mode only.
     *
     * @param beta the tracking step β ∈ (0, 1]
     * @param betaSigma its decay exponent σ_β ≥ 0 ({@code β_t = β / t^{σ_β}})
     * @param gamma the λ step γ ≥ 0
     * @param gammaSigma its decay exponent σ_γ ≥ 0
     * @param rho the ℓ2 regularisation ρ ≥ 0 of the λ problem
     * @param libmtl true for LibMTL's variant (loss-scaled unit gradients, softmax), false for the paper's
     * @return the strategy
     */
    public static LossWeighting moCo(double beta, double betaSigma, double gamma, double gammaSigma, double rho,
            boolean libmtl) {
        return new MoCo(beta, betaSigma, gamma, gammaSigma, rho, libmtl);
    }

    /**
     * DB-MTL with β = 0.9 and no decay (LibMTL's defaults).
     *
     * @return the strategy
     */
    public static LossWeighting dbMtl() {
        return new DbMtl(DbMtl.DEFAULT_BETA, DbMtl.DEFAULT_BETA_SIGMA);
    }

    /**
     * DB-MTL (Lin et al., 2023): log-loss gradients, averaged over steps and rescaled to the largest norm. Use it
     * when losses differ in scale and gradients in magnitude. Keeps K copies of the shared gradient. Parameter mode
     * only.
     *
     * @param beta the moving-average weight β ∈ [0, 1) of the past
     * @param betaSigma its decay exponent σ ≥ 0 ({@code β_t = β / t^σ})
     * @return the strategy
     */
    public static LossWeighting dbMtl(double beta, double betaSigma) {
        return new DbMtl(beta, betaSigma);
    }

    /**
     * ExcessMTL with step size 0.01 and the first step as baseline (LibMTL's defaults).
     *
     * @return the strategy
     */
    public static LossWeighting excessMtl() {
        return new ExcessMtl(ExcessMtl.DEFAULT_STEP_SIZE, ExcessMtl.DEFAULT_WARMUP_STEPS);
    }

    /**
     * ExcessMTL (He et al., ICML 2024): multiplicative weights driven by each task's estimated excess risk, robust to
     * tasks with noisy labels. Keeps K squared-gradient sums. Parameter (preferred) or representation mode.
     *
     * @param robustStepSize the step size η &gt; 0 of the weight update
     * @param warmupSteps the steps (≥ 1) whose mean estimate is each task's baseline; 1 as in LibMTL
     * @return the strategy
     */
    public static LossWeighting excessMtl(double robustStepSize, int warmupSteps) {
        return new ExcessMtl(robustStepSize, warmupSteps);
    }

    /**
     * Auto-Lambda with the reference settings (weights start at 0.1, their Adam learning rate 1e-4, every task
     * primary). Needs validation data in {@code fit}.
     *
     * @return the strategy
     */
    public static LossWeighting autoLambda() {
        return new AutoLambda(AutoLambda.DEFAULT_INITIAL_WEIGHT, AutoLambda.DEFAULT_LEARNING_RATE, ImmutableSet.of());
    }

    /**
     * Auto-Lambda (Liu, Davison and Johns, TMLR 2022): task weights learnt so that a virtual step on the weighted
     * training loss most lowers the primary tasks' validation loss (finite-difference hypergradient). Name primary
     * tasks for the auxiliary-learning setting; none means every task is primary.
     *
     * @param initialWeight the weights' initial value
     * @param learningRate the weights' Adam learning rate
     * @param primaryTasks the tasks whose validation loss counts; empty for all
     * @return the strategy
     */
    public static LossWeighting autoLambda(double initialWeight, double learningRate, String... primaryTasks) {
        return new AutoLambda(initialWeight, learningRate, ImmutableSet.copyOf(primaryTasks));
    }
}
