#!/usr/bin/env bash
# The persistent sharded stage's task-to-task links alone: CPU per byte and wall time of a dense
# step's exchange among P tasks in one JVM, no model (dev.sparktrain.spark.MeshProbe, tools jar;
# docs/SCALING.md, "The sharded step in one stage").
#   scripts/mesh-probe.sh                       # P = 2, 4, 8, 16; d = 2^20 values
#   scripts/mesh-probe.sh tasks=4,16 d=8e6 steps=10
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/tools-jars.sh
# shellcheck disable=SC2086
exec java $JVM_FLAGS -Xmx"${PROBE_DRIVER_MEMORY:-4g}" -cp "$JAR:$TOOLS:$(cat "$CP_FILE")" dev.sparktrain.spark.MeshProbe "$@"
