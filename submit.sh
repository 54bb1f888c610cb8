#!/usr/bin/env bash
# Runs the sparktrain job.
#   ./submit.sh                                   # default job (conf/digits-mlp.conf), local[*]
#   ./submit.sh conf/my-job.conf optimizer.lr=0.01
#   ./submit.sh --master spark://host:7077 conf/my-job.conf
#   ./submit.sh --resume runs/digits-mlp [key=value ...]   # continue from the latest good checkpoint
#   ./submit.sh evaluate|predict|export|report|generate ... # see README.md
#   ./submit.sh --help | help [command] | <command> --help | --version   # no Spark started
# Options starting with -- go to spark-submit (except sparktrain's --resume, --split, --format,
# --json, --dtype, --probabilities, --help, --version); the rest (command, job file, key=value overrides) go to sparktrain.
# With SPARK_HOME set, $SPARK_HOME/bin/spark-submit runs the jar; without it, Spark's SparkSubmit
# runs from the Maven classpath (a machine with only Java 17 and Maven is enough) in a JVM sized
# and started as the driver options say: --driver-memory (or --conf spark.driver.memory, else
# $SPARKTRAIN_DRIVER_MEMORY, else 2g), --driver-java-options, --driver-class-path,
# --driver-library-path (or their spark.driver.* --conf forms): in local mode, the whole job.
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
driver_memory=""
conf_driver_memory=""
driver_java_opts=""   # --driver-java-options / spark.driver.extraJavaOptions
driver_cp=""          # --driver-class-path / spark.driver.extraClassPath
driver_lib=""         # --driver-library-path / spark.driver.extraLibraryPath
# An option without its value: one line and the usage, exit 2 (as sparktrain's own errors).
needs_value() {
  [ $# -ge 2 ] && return
  echo "sparktrain: error: option $1 needs a value" >&2
  echo "usage: ./submit.sh [spark-submit options] [COMMAND] [ARGS ...]   (./submit.sh --help)" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --verbose|--supervise) spark_args+=("$1"); shift ;;
    --master) needs_value "$@"; have_master=yes; spark_args+=("$1" "$2"); shift 2 ;;
    --driver-memory) needs_value "$@"; driver_memory="$2"; spark_args+=("$1" "$2"); shift 2 ;;
    --driver-java-options) needs_value "$@"; driver_java_opts="$2"; shift 2 ;;
    --driver-class-path) needs_value "$@"; driver_cp="$2"; spark_args+=("$1" "$2"); shift 2 ;;
    --driver-library-path) needs_value "$@"; driver_lib="$2"; spark_args+=("$1" "$2"); shift 2 ;;
    --conf)
      needs_value "$@"
      case "$2" in
        spark.driver.memory=*) conf_driver_memory="${2#*=}" ;;
        spark.driver.extraJavaOptions=*) driver_java_opts="${2#*=}"; shift 2; continue ;;
        spark.driver.extraClassPath=*) driver_cp="${2#*=}" ;;
        spark.driver.extraLibraryPath=*) driver_lib="${2#*=}" ;;
      esac
      spark_args+=("$1" "$2"); shift 2 ;;
    --resume|--split|--format|--json|--dtype) needs_value "$@"; app_args+=("$1" "$2"); shift 2 ;;  # sparktrain's own
    --resume=*|--split=*|--format=*|--json=*|--dtype=*|--probabilities|-h|--help|-V|--version) app_args+=("$1"); shift ;;
    --*) needs_value "$@"; spark_args+=("$1" "$2"); shift 2 ;;
    *) app_args+=("$1"); shift ;;
  esac
done
[ "$have_master" = yes ] || spark_args+=(--master "local[*]")
driver_memory="${driver_memory:-${conf_driver_memory:-${SPARKTRAIN_DRIVER_MEMORY:-2g}}}"

# Help and version need no Spark: the main class runs in a plain, quickly started JVM.
mode=run
for a in "${app_args[@]+"${app_args[@]}"}"; do
  case "$a" in -h|--help) mode=help ;; -V|--version) [ "$mode" = help ] || mode=version ;; esac
done
[ "${app_args[0]:-}" = help ] && mode=help

# Maven 3.8 on Debian prints bare colour resets even with -q; keep stderr clean.
quiet_mvn() { mvn -q -B -Dstyle.color=never "$@" 2>&1 | sed $'s/\e\\[0m//g' >&2; }

newest_source=$(find pom.xml src/main -newer "$JAR" -print -quit 2>/dev/null || echo rebuild)
if [ ! -f "$JAR" ] || [ -n "$newest_source" ]; then
  echo "submit.sh: building $JAR" >&2
  quiet_mvn -DskipTests package
fi

QUICK_JVM=(-XX:TieredStopAtLevel=1 -XX:+UseSerialGC)
if [ "$mode" = help ]; then
  exec java "${QUICK_JVM[@]}" -cp "$JAR" "$CLASS" "${app_args[@]}"
fi

LOG4J="-Dlog4j2.configurationFile=$(pwd)/conf/log4j2.properties"
if [ -n "${SPARK_HOME:-}" ]; then
  if [ "$mode" = version ]; then
    exec java "${QUICK_JVM[@]}" -cp "$JAR:$SPARK_HOME/jars/*" "$CLASS" "${app_args[@]}"
  fi
  # An absolute file: URL: in --deploy-mode cluster a worker starts the driver in a directory of its own.
  exec "$SPARK_HOME/bin/spark-submit" --properties-file conf/spark-defaults.conf \
    --driver-java-options "$LOG4J${driver_java_opts:+ $driver_java_opts}" "${spark_args[@]}" --class "$CLASS" \
    "file://$(pwd)/$JAR" "${app_args[@]+"${app_args[@]}"}"
fi

CP_FILE=target/classpath.txt
if [ ! -f "$CP_FILE" ] || [ pom.xml -nt "$CP_FILE" ]; then
  quiet_mvn dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=provided
fi
if [ "$mode" = version ]; then
  exec java "${QUICK_JVM[@]}" -cp "$JAR:$(cat "$CP_FILE")" "$CLASS" "${app_args[@]}"
fi
# This JVM is the driver: the driver options size and start it here (SparkSubmit cannot, it runs inside it).
read -r -a user_java_opts <<< "$driver_java_opts"
# The --add-opens list Spark itself passes on Java 17 (the pom keeps the same list for tests).
JVM_FLAGS=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' pom.xml)
# shellcheck disable=SC2086
exec java $JVM_FLAGS -Xmx"$driver_memory" "$LOG4J" ${driver_lib:+"-Djava.library.path=$driver_lib"} \
  "${user_java_opts[@]+"${user_java_opts[@]}"}" -cp "$JAR:$(cat "$CP_FILE")${driver_cp:+:$driver_cp}" \
  org.apache.spark.deploy.SparkSubmit --properties-file conf/spark-defaults.conf \
  "${spark_args[@]}" --class "$CLASS" "$JAR" "${app_args[@]+"${app_args[@]}"}"
