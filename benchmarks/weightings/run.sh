#!/usr/bin/env bash
# The comparison table of docs/weightings.md: every strategy with hard sharing, three seeds, on the synthetic scenes
# (tasks s,d,n,k,e) and on Multi-Fashion, each run's Δp against single-task networks of the same recipe (trained
# once per seed and data set, then cached). Two trainings run at a time, one torch thread each.
# Build first: mvn -B -ntp -DskipTests package. Then: benchmarks/weightings/run.sh [OUT] [FASHION_DIR]
# and python3 benchmarks/weightings/table.py OUT (prints the markdown table).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-runs/weightings}
fashion=${2:-/usr/share/datasets/fashion-mnist}
jar=mtl-cli/target/mtl.jar
strategies=${STRATEGIES:-"equal uw dwa dtp rlw gls famo si-ls stch gradnorm graddrop pcgrad mgda cagrad imtl nash
aligned upgrad dualproj config gradvac fairgrad moco dbmtl excessmtl modo sdmgrad log-mgda log-cagrad log-imtl
ema(mgda,0.9) groups(pcgrad,4)"}
seeds=${SEEDS:-"1 2 3"}
mkdir -p "$out"
run() { # data weighting seed
  local data=$1 w=$2 seed=$3 dir="$out/$1/$2/seed$3"
  [ -f "$dir/results.json" ] && return 0
  local recipe
  if [ "$data" = synthetic ]; then
    recipe="--data synthetic --tasks s,d,n,k,e --size 32 --train-samples 400 --val-samples 200 --epochs 6 --width 16"
  else
    recipe="--data multifashion:$fashion --train-samples 3000 --val-samples 1000 --epochs 4 --width 16"
  fi
  OMP_NUM_THREADS=1 java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 \
    -jar "$jar" train $recipe --arch hps --weighting "$w" --batch-size 16 --seed "$seed" --out "$dir" \
    --baseline-cache "$out/baselines" --no-progress > "$dir.log" 2>&1 || echo "FAILED $dir (see $dir.log)"
}
export -f run
export out fashion jar
# baselines first, one per data set and seed, so that parallel runs find them cached
for data in synthetic multifashion; do
  for seed in $seeds; do mkdir -p "$out/$data/equal"; run "$data" equal "$seed"; done
done
for data in synthetic multifashion; do
  for w in $strategies; do
    for seed in $seeds; do
      mkdir -p "$out/$data/$w"
      echo "$data $w $seed"
    done
  done
done | xargs -P 2 -L 1 bash -c 'run "$0" "$1" "$2"'
