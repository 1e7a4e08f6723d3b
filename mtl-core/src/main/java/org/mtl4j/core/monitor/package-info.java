/**
 * What a strategy did during training: per-step task weights and the cosine similarities and conflicts of the task
 * gradients ({@link org.mtl4j.core.monitor.GradientObserver}, {@link org.mtl4j.core.monitor.GradientMonitor}).
 */
package org.mtl4j.core.monitor;
