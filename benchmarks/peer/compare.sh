#!/usr/bin/env bash
# mtl4j vs PyTorch, side by side: the same hard-sharing network, losses and optimiser, same thread count.
# Needs Debian's python3-torch (apt-get install python3-torch) and a built benchmarks jar
# (mvn -B -ntp -DskipTests package). Usage: benchmarks/peer/compare.sh [threads=2] [rounds=8] [block=10]
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "python3-torch is missing: apt-get install -y python3-torch" >&2
  exit 2
fi
exec java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dorg.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils=error \
  -cp benchmarks/target/benchmarks.jar org.mtl4j.benchmarks.PeerComparison "$@"
