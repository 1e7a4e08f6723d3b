/**
 * Apache Spark as the place where independent trainings run: the candidates of a task-grouping study
 * ({@link org.mtl4j.spark.SparkCandidateExecutor}) and the runs of a sweep
 * ({@link org.mtl4j.spark.SparkSweepExecutor}), one Spark task per training and never two trainings at a time in one
 * executor JVM ({@link org.mtl4j.spark.SparkBackend}). The {@code mtl} command line finds this module through
 * {@link java.util.ServiceLoader} for {@code --spark MASTER}.
 */
package org.mtl4j.spark;
