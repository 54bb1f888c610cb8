#!/usr/bin/env bash
# The benchmark (see docs/PERFORMANCE.md): ONE JVM and ONE SparkContext on generated
# data measure Spark's floor, sparktrain, MLlib and the per-phase cost of a step; PyTorch (when
# /usr/bin/python3 has torch) runs the same shapes first, on the same cores, and its figures come
# into the same report so every ratio is from one session.
#   ./bench.sh                          # 1M x 100, local[2]: about 10 minutes
#   ./bench.sh quick                    # 20k rows, seconds (what .ci/run runs)
#   ./bench.sh rows=2000000 master='local[4]' sections=floor,train pytorch=off spark.task.maxDirectResultSize=64m
# Every line "FIGURE <name> <value> <unit>" is machine-readable. Keys: see BenchSettings.java (src/tools);
# spark.* keys go to SparkConf; pytorch=off skips PyTorch. BENCH_DRIVER_MEMORY sets -Xmx.
# (Its section `scale` is epoch time vs rows. Scaling out over executors, bytes into and out of the
# driver per step: scripts/scale-bench.sh, on a local standalone cluster; see docs/SCALING.md.)
set -euo pipefail
cd "$(dirname "$0")"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

# the jars (the Bench classes are in src/tools) and the classpath: JAR, TOOLS, CP_FILE, JVM_FLAGS
. scripts/lib/tools-jars.sh
PY=/usr/bin/python3

quick=no rows="" features="" pytorch=auto
java_args=()
for a in "$@"; do
  case "$a" in
    quick) quick=yes; java_args+=("$a") ;;
    rows=*) rows="${a#rows=}"; java_args+=("$a") ;;
    features=*) features="${a#features=}"; java_args+=("$a") ;;
    pytorch=*) pytorch="${a#pytorch=}" ;;
    *) java_args+=("$a") ;;
  esac
done
[ -n "$rows" ] || { [ "$quick" = yes ] && rows=20000 || rows=1000000; }
[ -n "$features" ] || features=100

TORCH_OUT=target/bench-pytorch.txt
rm -f "$TORCH_OUT"
if [ "$pytorch" != off ] && [ -x "$PY" ] && "$PY" -c 'import torch' 2>/dev/null; then
  echo "== PyTorch ($PY, same shapes, run before the JVM starts so both get the same idle cores)"
  py_args=(--rows "$rows" --features "$features" --threads "${BENCH_TORCH_THREADS:-2}")
  [ "$quick" = yes ] && py_args+=(--quick)
  # PASSIVE: OpenMP threads sleep instead of spinning at barriers. On a shared machine the
  # default (spin) makes 2-thread PyTorch collapse 30-60x whenever another process holds a
  # core; on an idle one it costs little. It can only flatter PyTorch, never sparktrain.
  OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}" "$PY" bench/pytorch_bench.py "${py_args[@]}" | tee "$TORCH_OUT"
  java_args+=("torch=$TORCH_OUT")
else
  echo "== PyTorch: skipped ($PY cannot import torch, or pytorch=off); PyTorch ratios are not measured"
fi

if [ -n "${BENCH_DRIVER_MEMORY:-}" ]; then mem="$BENCH_DRIVER_MEMORY"
elif [ "$quick" = yes ]; then mem=2g
else mem=12g; fi
# One BLAS thread per task, as Spark sets for executors on a cluster (SPARK-41188: OMP_NUM_THREADS
# = spark.task.cpus); in local mode the driver JVM is the executor and gets no such default, and
# two tasks each running a multi-threaded OpenBLAS call oversubscribe the cores.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}" OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
# shellcheck disable=SC2086
exec java $JVM_FLAGS -Xmx"$mem" ${BENCH_JVM_OPTS:-} -Dlog4j2.configurationFile="$(pwd)/conf/log4j2.properties" \
  -cp "$JAR:$TOOLS:$(cat "$CP_FILE")" dev.sparktrain.bench.Bench "${java_args[@]+"${java_args[@]}"}"
