#!/usr/bin/env bash
# Where a step's fixed cost goes, sharded step vs driver-side step, as tasks per stage grow
# (dev.sparktrain.bench.ShardedProbe, tools jar; docs/SCALING.md). Local mode, one JVM.
#   scripts/sharded-probe.sh                                  # local[2], 2/8/32/128 partitions, ~2 min
#   scripts/sharded-probe.sh parts=2,64 steps=40 features=64 paths=sharded
#   PROBE_DRIVER_MEMORY=6g scripts/sharded-probe.sh model=csr paths=sharded parts=2,8,32,128,512   # one slice per partition
set -euo pipefail
cd "$(dirname "$0")/.."
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
. scripts/lib/tools-jars.sh
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
# shellcheck disable=SC2086
exec java $JVM_FLAGS -Xmx"${PROBE_DRIVER_MEMORY:-2g}" -Dlog4j2.configurationFile="$(pwd)/conf/log4j2.properties" \
  -cp "$JAR:$TOOLS:$(cat "$CP_FILE")" dev.sparktrain.bench.ShardedProbe "$@"
