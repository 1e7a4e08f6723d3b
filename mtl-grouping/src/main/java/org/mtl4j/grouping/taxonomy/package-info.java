/**
 * The transfer taxonomy of Taskonomy (Zamir et al., "Taskonomy: Disentangling Task Transfer Learning", CVPR 2018):
 * {@link org.mtl4j.grouping.taxonomy.TransferTrainer} trains source networks, readouts on their
 * {@link org.mtl4j.grouping.taxonomy.FrozenEncoder frozen encoders} and from-scratch networks and scores them per test
 * sample ({@link org.mtl4j.grouping.taxonomy.TransferResults}); {@link org.mtl4j.grouping.taxonomy.Ahp} normalises
 * them per target with the Analytic Hierarchy Process; {@link org.mtl4j.grouping.taxonomy.TaxonomyProblem} chooses the
 * sources to supervise under a budget exactly, for first- and higher-order transfers.
 */
package org.mtl4j.grouping.taxonomy;
