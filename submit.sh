#!/usr/bin/env bash
# Runs the sparktrain job.
#   ./submit.sh                                   # default job (conf/digits-mlp.conf), local[*]
#   ./submit.sh conf/my-job.conf optimizer.lr=0.01
#   ./submit.sh --master spark://host:7077 conf/my-job.conf
#   ./submit.sh --resume runs/digits-mlp [key=value ...]   # continue from the latest good checkpoint
#   ./submit.sh report|evaluate|predict ...                 # see README.md
# Options starting with -- go to spark-submit (except sparktrain's --resume, --split, --format,
# --json); the rest (job file, key=value overrides) go to the job. With SPARK_HOME set, $SPARK_HOME/bin/spark-submit runs the jar; without it, Spark's
# SparkSubmit runs from the Maven classpath (a machine with only Java 17 and Maven is enough) in a
# JVM of --driver-memory (else $SPARKTRAIN_DRIVER_MEMORY, else 2g): in local mode, the whole job.
set -euo pipefail
cd "$(dirname "$0")"

JAR=target/sparktrain.jar
CLASS=dev.sparktrain.cli.Main
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# One BLAS thread per task: Spark gives cluster executors OMP_NUM_THREADS = spark.task.cpus
# (SPARK-41188), but in local mode the driver JVM runs the tasks and a multi-threaded OpenBLAS
# under every task oversubscribes the cores. sparktrain spreads a step over idle cores itself.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

spark_args=()
app_args=()
have_master=no
driver_memory="${SPARKTRAIN_DRIVER_MEMORY:-2g}"
while [ $# -gt 0 ]; do
  case "$1" in
    --verbose|--supervise) spark_args+=("$1"); shift ;;
    --master) have_master=yes; spark_args+=("$1" "$2"); shift 2 ;;
    --driver-memory) driver_memory="${2:?option $1 needs a value}"; spark_args+=("$1" "$2"); shift 2 ;;
    --resume|--split|--format|--json) app_args+=("$1" "${2:?option $1 needs a value}"); shift 2 ;;  # sparktrain's own
    --*) spark_args+=("$1" "${2:?option $1 needs a value}"); shift 2 ;;
    *) app_args+=("$1"); shift ;;
  esac
done
[ "$have_master" = yes ] || spark_args+=(--master "local[*]")

# Maven 3.8 on Debian prints bare colour resets even with -q; keep stderr clean.
quiet_mvn() { mvn -q -B -Dstyle.color=never "$@" 2>&1 | sed $'s/\e\\[0m//g' >&2; }

newest_source=$(find pom.xml src/main -newer "$JAR" -print -quit 2>/dev/null || echo rebuild)
if [ ! -f "$JAR" ] || [ -n "$newest_source" ]; then
  echo "submit.sh: building $JAR" >&2
  quiet_mvn -DskipTests package
fi

LOG4J="-Dlog4j2.configurationFile=$(pwd)/conf/log4j2.properties"
if [ -n "${SPARK_HOME:-}" ]; then
  # An absolute file: URL: in --deploy-mode cluster a worker starts the driver in a directory of its own.
  exec "$SPARK_HOME/bin/spark-submit" --properties-file conf/spark-defaults.conf \
    --driver-java-options "$LOG4J" "${spark_args[@]}" --class "$CLASS" "file://$(pwd)/$JAR" "${app_args[@]+"${app_args[@]}"}"
fi

CP_FILE=target/classpath.txt
if [ ! -f "$CP_FILE" ] || [ pom.xml -nt "$CP_FILE" ]; then
  quiet_mvn dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=provided
fi
# The --add-opens list Spark itself passes on Java 17 (the pom keeps the same list for tests).
JVM_FLAGS=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' pom.xml)
# shellcheck disable=SC2086
exec java $JVM_FLAGS -Xmx"$driver_memory" "$LOG4J" -cp "$JAR:$(cat "$CP_FILE")" \
  org.apache.spark.deploy.SparkSubmit --properties-file conf/spark-defaults.conf \
  "${spark_args[@]}" --class "$CLASS" "$JAR" "${app_args[@]+"${app_args[@]}"}"
