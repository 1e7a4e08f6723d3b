#!/usr/bin/env bash
# The comparison table of docs/architectures.md: every architecture on the synthetic scenes (tasks s,d,n,k,e) with
# equal weights, three seeds. Single-task networks (hard sharing with one task) are trained once per seed with the
# hps runs; every architecture's Δp is taken against them (table.py), as in Vandenhende et al.'s survey.
# The branched network's tree comes from task affinities measured by `mtl affinity` on the same recipe.
# Build first: mvn -B -ntp -DskipTests package. Then: benchmarks/architectures/run.sh [OUT]
# and python3 benchmarks/architectures/table.py OUT (prints the markdown table).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-runs/architectures}
jar=mtl-cli/target/mtl.jar
seeds=${SEEDS:-"1 2 3"}
recipe="--data synthetic --tasks s,d,n,k,e --size 32 --train-samples 400 --val-samples 200 --epochs 6 --width 16 \
--batch-size 16 --weighting equal"
java_opts="-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1"
mkdir -p "$out"
if [ ! -f "$out/affinity/affinity.csv" ]; then
  OMP_NUM_THREADS=1 java $java_opts -jar "$jar" affinity --data synthetic --tasks s,d,n,k,e --size 32 \
    --train-samples 400 --epochs 2 --width 16 --out "$out/affinity" > "$out/affinity.log" 2>&1
fi
archs=${ARCHS:-"hps soft cross-stitch mtan padnet mmoe cgc ple dselect-k nddr-cnn mtinet ltb:search=3,tau=5.0,head=32
branched:affinity=$out/affinity/affinity.csv,budget=2.5x"}
run() { # arch seed
  local arch=$1 seed=$2 name=${1%%:*} dir
  [ "$name" = ltb ] && name=ltb-search3
  dir="$out/$name/seed$seed"
  [ -f "$dir/results.json" ] && return 0
  mkdir -p "$out/$name"
  local baselines="--no-baselines"
  [ "$arch" = hps ] && baselines="--baseline-cache $out/baselines"
  OMP_NUM_THREADS=1 java $java_opts -jar "$jar" train $recipe --arch "$arch" --seed "$seed" --out "$dir" \
    $baselines --no-progress > "$dir.log" 2>&1 || echo "FAILED $dir (see $dir.log)"
}
export -f run
export out jar recipe java_opts
for a in $archs; do for s in $seeds; do echo "$a $s"; done; done | xargs -P 2 -L 1 bash -c 'run "$0" "$1"'
