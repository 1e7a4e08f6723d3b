package org.mtl4j.grouping.estimators;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtl4j.core.task.TaskLosses;

/** The projection, the links and the per-subset fit of Grad-TAE, by hand. */
class LinearisedFitTest {

    @Test
    void aFixedProjectionMapsHandMadeGradientsAndItsTransposeGivesTheParameterStep() {
        GradientProjection m = GradientProjection.of(new double[][] {{1, 2}, {0, -1}, {0.5, 0.5}});
        assertEquals(3, m.outputDimension());
        assertEquals(2, m.inputDimension());
        assertArrayEquals(new double[] {1, 1, 1}, m.project(new double[] {3, -1}), 1e-15);
        assertArrayEquals(new double[] {-4, 2, -1}, m.project(new double[] {0, -2}), 1e-15);
        assertArrayEquals(new double[] {2.5, 1.5}, m.lift(new double[] {1, 2, 3}), 1e-15);
        // ⟨M·g, w⟩ = ⟨g, Mᵀ·w⟩: a weight fitted on features is the parameter step it stands for
        double[] g = {0.7, -1.3};
        double[] w = {0.2, -0.4, 1.1};
        double lhs = 0;
        double[] phi = m.project(g);
        for (int i = 0; i < 3; i++) {
            lhs += phi[i] * w[i];
        }
        double[] step = m.lift(w);
        assertEquals(lhs, g[0] * step[0] + g[1] * step[1], 1e-12);
    }

    @Test
    void theGaussianProjectionIsSeededAndScaledByOneOverRootD() {
        int d = 50;
        int dim = 400;
        GradientProjection a = GradientProjection.gaussian(d, dim, 7);
        GradientProjection b = GradientProjection.gaussian(d, dim, 7);
        GradientProjection c = GradientProjection.gaussian(d, dim, 8);
        double squares = 0;
        boolean differs = false;
        for (int r = 0; r < d; r++) {
            for (int k = 0; k < dim; k++) {
                assertEquals(a.entry(r, k), b.entry(r, k), "same seed, same matrix");
                differs |= a.entry(r, k) != c.entry(r, k);
                squares += a.entry(r, k) * a.entry(r, k);
            }
        }
        assertTrue(differs, "another seed, another matrix");
        assertEquals(1.0 / d, squares / (d * dim), 0.05 / d, "entries have variance 1/d");
        // norms are preserved in expectation: E‖M·g‖² = ‖g‖²
        double[] g = new double[dim];
        Random r = new Random(1);
        double norm = 0;
        for (int k = 0; k < dim; k++) {
            g[k] = r.nextGaussian();
            norm += g[k] * g[k];
        }
        double projected = 0;
        for (double v : a.project(g)) {
            projected += v * v;
        }
        assertEquals(1, projected / norm, 0.5);
    }

    @Test
    void linksReproduceTheLossAndItsGradientAtTheMetaInitialisation() {
        for (LossLink link : LossLink.values()) {
            for (double loss : new double[] {1e-6, 0.03, 0.7, 2.5, 40}) {
                double a = link.offset(loss);
                assertEquals(loss, link.value(a), 1e-9 * Math.max(1, loss), link + " ψ(a) = ℓ at ℓ = " + loss);
                double eps = 1e-6 * Math.max(1, Math.abs(a));
                double numeric = (link.value(a + eps) - link.value(a - eps)) / (2 * eps);
                assertEquals(1 / numeric, link.slope(loss), 1e-4 * Math.abs(link.slope(loss)),
                        link + " slope = 1/ψ'(a) at ℓ = " + loss);
                assertEquals(numeric, link.first(a), 1e-5 * Math.max(1, Math.abs(numeric)));
                double second = (link.first(a + eps) - link.first(a - eps)) / (2 * eps);
                assertEquals(second, link.second(a), 1e-4 * Math.max(1, second));
            }
        }
        assertEquals(0, LossLink.SQUARE.slope(0), "a perfectly fitted sample has no direction");
        assertEquals(LossLink.LOGISTIC, LossLink.forLoss(TaskLosses.crossEntropy()));
        assertEquals(LossLink.LOGISTIC, LossLink.forLoss(TaskLosses.binaryCrossEntropy()));
        assertEquals(LossLink.SQUARE, LossLink.forLoss(TaskLosses.l1()));
        assertEquals(LossLink.SQUARE, LossLink.forLoss(TaskLosses.l2()));
        assertEquals(LossLink.SQUARE, LossLink.forLoss(TaskLosses.normal()));
    }

    private static ProjectedSamples samples(String task, LossLink link, int n, int d, long seed) {
        Random r = new Random(seed);
        double[] losses = new double[n];
        double[][] features = new double[n][d];
        for (int i = 0; i < n; i++) {
            losses[i] = 0.1 + r.nextDouble();
            for (int j = 0; j < d; j++) {
                features[i][j] = r.nextGaussian();
            }
        }
        return new ProjectedSamples(task, link, losses, features);
    }

    @Test
    void squareLinksGiveTheClosedFormLeastSquaresSolutionInOneStep() {
        ProjectedSamples x = samples("x", LossLink.SQUARE, 7, 3, 1);
        ProjectedSamples y = samples("y", LossLink.SQUARE, 4, 3, 2);
        double lambda = 0.3;
        // normal equations: (Σ_t (2/n_t) Σ h hᵀ + λI) w = −Σ_t (2/n_t) Σ a h, h = φ/(2√ℓ), a = √ℓ
        double[][] lhs = new double[3][3];
        double[] rhs = new double[3];
        for (ProjectedSamples s : List.of(x, y)) {
            for (int i = 0; i < s.size(); i++) {
                double a = Math.sqrt(s.losses()[i]);
                double[] h = new double[3];
                for (int j = 0; j < 3; j++) {
                    h[j] = s.features()[i][j] / (2 * a);
                }
                for (int p = 0; p < 3; p++) {
                    rhs[p] -= 2.0 / s.size() * a * h[p];
                    for (int q = 0; q < 3; q++) {
                        lhs[p][q] += 2.0 / s.size() * h[p] * h[q];
                    }
                }
            }
        }
        for (int p = 0; p < 3; p++) {
            lhs[p][p] += lambda;
        }
        double[] expected = HigherOrderSurrogate.solve(lhs, rhs);
        assertArrayEquals(expected, LinearisedFit.solve(List.of(x, y), lambda, 1), 1e-12, "one Newton step");
        assertArrayEquals(expected, LinearisedFit.solve(List.of(x, y), lambda, 20), 1e-12, "and it stays there");
        // the fitted loss is below the loss at θ* (w = 0), which the model reproduces exactly
        assertEquals(x.meanLoss(), LinearisedFit.loss(x, new double[3]), 1e-12);
        double[] w = LinearisedFit.solve(List.of(x, y), lambda, 1);
        assertTrue(LinearisedFit.loss(x, w) + LinearisedFit.loss(y, w) < x.meanLoss() + y.meanLoss());
    }

    @Test
    void logisticLinksConvergeToTheStationaryPointOfTheRegularisedObjective() {
        ProjectedSamples x = samples("x", LossLink.LOGISTIC, 30, 4, 3);
        ProjectedSamples y = samples("y", LossLink.SQUARE, 10, 4, 4);
        double lambda = 0.05;
        List<LinearisedFit.Prepared> parts = List.of(LinearisedFit.prepare(x), LinearisedFit.prepare(y));
        double[] w = LinearisedFit.solvePrepared(parts, lambda, 50);
        double value = LinearisedFit.objective(parts, lambda, w);
        for (int p = 0; p < 4; p++) {
            double[] plus = w.clone();
            double[] minus = w.clone();
            plus[p] += 1e-5;
            minus[p] -= 1e-5;
            double grad = (LinearisedFit.objective(parts, lambda, plus) - LinearisedFit.objective(parts, lambda, minus))
                    / 2e-5;
            assertEquals(0, grad, 1e-7, "∂J/∂w_" + p);
            assertTrue(LinearisedFit.objective(parts, lambda, plus) >= value);
        }
        assertFalse(java.util.Arrays.equals(w, LinearisedFit.solvePrepared(parts, lambda, 1)),
                "one step does not reach the optimum of a logistic term");
        assertTrue(LinearisedFit.objective(parts, lambda, w) <= LinearisedFit.objective(parts, lambda, new double[4]));
    }
}
