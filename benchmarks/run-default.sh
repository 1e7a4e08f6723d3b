#!/usr/bin/env bash
# The short default selection of the mtl4j benchmarks (under ten minutes on 2 cores); JSON goes to
# benchmarks/results/. Build first: mvn -B -ntp -DskipTests package
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p benchmarks/results
stamp=$(date -u +%Y%m%dT%H%M%SZ)
jar=benchmarks/target/benchmarks.jar
java -jar "$jar" TrainStepBenchmark -p weighting=equal,uw,pcgrad -p mode=auto -wi 1 -i 3 -f 1 \
  -rf json -rff "benchmarks/results/train-step-$stamp.json"
java -jar "$jar" InferenceBenchmark -wi 1 -i 3 -f 1 -rf json -rff "benchmarks/results/inference-$stamp.json"
java -jar "$jar" GroupingSolverBenchmark.allSubsets -p numTasks=10,12,14,16 -wi 1 -i 3 -f 1 \
  -rf json -rff "benchmarks/results/grouping-solver-$stamp.json"
java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$jar" \
  org.mtl4j.benchmarks.StrategyOverheadHarness rounds=6 strategies=equal,uw,famo,mgda@representation,pcgrad@parameters \
  out="benchmarks/results/strategy-overhead-$stamp.json"
