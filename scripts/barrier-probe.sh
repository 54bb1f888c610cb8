#!/usr/bin/env bash
# A step's synchronization without a Spark job per step: barrier()/allGather rounds among N
# barrier tasks that stay up, against jobs of 1 and 3 stages of N tasks
# (dev.sparktrain.bench.BarrierProbe, tools jar; docs/SCALING.md "A step without a job").
#   scripts/barrier-probe.sh                                   # local[16], N = 2, 4, 8, 16
#   scripts/barrier-probe.sh tasks=2,8 rounds=100 master=spark://host:7077
set -euo pipefail
cd "$(dirname "$0")/.."
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
. scripts/lib/tools-jars.sh
# shellcheck disable=SC2086
exec java $JVM_FLAGS -Xmx1g -Dlog4j2.configurationFile="$(pwd)/conf/log4j2.properties" \
  -cp "$JAR:$TOOLS:$(cat "$CP_FILE")" dev.sparktrain.bench.BarrierProbe "$@"
