/**
 * Loss-weighting and gradient-combination strategies for multi-task training, one small class per paper, behind
 * the static factories of {@link org.mtl4j.losses.Weightings}; their rules on plain arrays are in
 * {@link org.mtl4j.losses.WeightingFunctions}. docs/weightings.md lists formulas, costs and a comparison.
 */
package org.mtl4j.losses;
