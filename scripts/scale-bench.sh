#!/usr/bin/env bash
# The scale benchmark (docs/SCALING.md): a local standalone cluster (scripts/local-cluster.sh, on
# its own ports so it does not meet cluster-test.sh's) with 2 Workers x 4 cores, then ONE driver JVM
# (dev.sparktrain.bench.ScaleBench, tools jar) that opens one SparkContext per executor count
# (1, 2, 4, 8 one-core executors) and measures, per training step, the bytes into and out of the
# driver, between executors, message counts, driver CPU and step time for today's path (trees
# merged on the driver) and the new one (merged on the executors); then fits a cost model and
# prints projections. A script, not a ./bench.sh section: it needs a cluster and a SparkContext
# per executor count, where bench.sh is one local[2] context (and its `scale` section is epoch
# time vs rows).
#   scripts/scale-bench.sh                 # full: E = 1,2,4,8; d = 1e5,1e6,1e7; mlp and csr (~20 min on 2 cores)
#   scripts/scale-bench.sh quick           # E = 1,2; d = 1e5,1e6 (~3.5 min)
#   scripts/scale-bench.sh executors=2,8 sizes=1e6 models=csr steps=5
#   scripts/scale-bench.sh refit=bench/scale-2026-11-30.txt project=1000:1e8   # refit a saved run, no cluster
# Output also goes to target/scale-bench.txt (not with refit=). SCALE_DRIVER_MEMORY sets the driver's -Xmx (6g).
# Keys: ScaleBench.DEFAULTS (src/tools). Every line "FIGURE <name> <value> <unit>" is machine-readable.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export SPARK_LOCAL_IP=127.0.0.1
JAR="$ROOT/target/sparktrain.jar"
TOOLS="$ROOT/target/sparktrain-tools.jar"

if [ ! -f "$JAR" ] || [ ! -f "$TOOLS" ] || [ -n "$(find pom.xml src/main src/tools -newer "$TOOLS" -print -quit)" ]; then
  echo "scale-bench: building the jars" >&2
  mvn -q -B -o -DskipTests package >&2 2>/dev/null || mvn -q -B -DskipTests package >&2
fi

# 8 one-core executors fit on 2 workers of 4 cores; their memory comes from executor.memory=
exec_mem=1200m
for a in "$@"; do case "$a" in executor.memory=*) exec_mem="${a#executor.memory=}" ;; esac; done
case "$exec_mem" in *[gG]) mb=$(( ${exec_mem%?} * 1024 )) ;; *[mM]) mb=${exec_mem%?} ;; *) mb=$exec_mem ;; esac
export SPARK_MASTER_PORT="${SCALE_MASTER_PORT:-7177}" SPARK_MASTER_WEBUI_PORT="${SCALE_MASTER_WEBUI_PORT:-8180}"
export SPARK_WORKER_WEBUI_PORT="${SCALE_WORKER_WEBUI_PORT:-8181}" SPARK_WORKER_CORES=4
export SPARK_WORKER_MEMORY="$((4 * mb + 256))m" CLUSTER_DIR="$ROOT/target/scale-cluster"

refit=no
for a in "$@"; do case "$a" in refit=*) refit=yes ;; esac; done
if [ "$refit" = no ]; then
  scripts/local-cluster.sh start
  trap 'scripts/local-cluster.sh stop' EXIT
fi

SPARK_HOME="$ROOT/target/spark-home"
# shellcheck disable=SC2046
java $(cat "$SPARK_HOME/conf/java-module-flags") -Xmx"${SCALE_DRIVER_MEMORY:-6g}" \
  -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "$JAR:$TOOLS:$SPARK_HOME/jars/*" dev.sparktrain.bench.ScaleBench \
  master="spark://127.0.0.1:$SPARK_MASTER_PORT" jars="$JAR,$TOOLS" "$@" | if [ "$refit" = no ]; then tee "$ROOT/target/scale-bench.txt"; else cat; fi
