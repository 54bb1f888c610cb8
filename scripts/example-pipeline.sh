#!/usr/bin/env bash
# README's Spark ML example in one command: a Pipeline (VectorAssembler, StandardScaler,
# SparkTrainClassifier) on the UCI digits in local mode, evaluated, saved and reloaded, then a
# CrossValidator over lr x optimizer (src/tools/java/dev/sparktrain/examples/PipelineExample.java).
#   scripts/example-pipeline.sh [data/digits.csv.gz] [runs/digits-pipeline]     # ~2-3 min on 2 cores
# Builds the jars when the sources are newer (as bench.sh does); SPARK_MASTER overrides local[*].
set -euo pipefail
cd "$(dirname "$0")/.."
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

# the jars (the example class is in src/tools) and the classpath: JAR, TOOLS, CP_FILE, JVM_FLAGS
. scripts/lib/tools-jars.sh
# shellcheck disable=SC2086
exec java $JVM_FLAGS -Xmx"${SPARKTRAIN_DRIVER_MEMORY:-2g}" -Dspark.master="${SPARK_MASTER:-local[*]}" \
  -Dlog4j2.configurationFile="$PWD/conf/log4j2.properties" \
  -cp "$JAR:$TOOLS:$(cat "$CP_FILE")" dev.sparktrain.examples.PipelineExample "$@"
