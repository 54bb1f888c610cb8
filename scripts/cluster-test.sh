#!/usr/bin/env bash
# Integration test on a real Spark standalone cluster on this machine (run by .ci/run).
# Starts scripts/local-cluster.sh (1 Master + 2 Workers from the Maven-resolved jars), submits the
# digits job through ./submit.sh with SPARK_HOME set, and checks each run's RESULT (model.json's
# final validation accuracy >= 0.95 after 30 epochs, metrics.jsonl, report, the last checkpoint,
# and params.bin's SHA-256 equal to the first run's), not only exit codes:
#   1. client mode, two executors on two workers (the reference SHA-256)
#   2. cluster mode (--deploy-mode cluster, file:/// jar): the driver's state read from the Master,
#      since spark-submit exits 0 even when the driver fails; and a failing driver is seen as FAILED
#   3. injected task failures (test hook spark.sparktrain.test.failTask, in the tools jar added
#      with --jars), retried by Spark
#   4. the driver killed (kill -9) mid-run, then --resume from the last checkpoint
#   5. same bits on any cluster shape (a shorter job): 1 one-core executor vs 4, one of the 4
#      killed (kill -9) mid-run, a run interrupted and resumed on 2 executors, and local mode
#   6. a Worker and its executor killed (kill -9) mid-run: the lost cached blocks are recomputed
#      from the source and the job finishes on the remaining worker
#   7. the sharded optimizer step (train.sharded_optimizer = on) on 4 executors, one that owns a
#      parameter slice killed (kill -9) mid-run: the same bits as the driver-side step on 1 executor
#   8. persistent steps (spark.sparktrain.persistentSteps=true): the steps in a barrier
#      stage whose tasks, in the two executors' JVMs, talk to the driver over TCP; same params.bin
#   9. the sharded step in one barrier stage (persistentSteps=true, sharded_optimizer=on) on 2
#      executors whose tasks keep the slices and exchange them directly; one executor killed
#      (kill -9) mid-stage: the stage's steps are replayed through jobs; the driver-side step's bits
# `scripts/cluster-test.sh [client|cluster|failtask|killed|shapes|lostworker|sharded|persistent|shardedstage ...]` runs only
# those scenarios (2-4, 6 and 8 compare with 1's SHA-256, so 1 runs with them); no argument: all of them.
# Output paths are absolute (this machine's disk stands in for HDFS). Every daemon is stopped on
# exit (trap); every submit runs under `timeout`. Logs: target/cluster-test/*.log, target/cluster/.
set -Eeuo pipefail
trap 'echo "cluster-test: FAILED at line $LINENO: $BASH_COMMAND (exit status $?)" >&2' ERR
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT="$ROOT/target/cluster-test"
export SPARK_HOME="$ROOT/target/spark-home"
export SPARK_LOCAL_IP=127.0.0.1
MASTER="spark://127.0.0.1:${SPARK_MASTER_PORT:-7077}"
MASTER_JSON="http://127.0.0.1:${SPARK_MASTER_WEBUI_PORT:-8080}/json/"
WORKER_UI="${SPARK_WORKER_WEBUI_PORT:-8081}"
RUN_TIMEOUT="${CLUSTER_TEST_RUN_TIMEOUT:-480}"   # seconds per submitted run
UI_PORT="${CLUSTER_TEST_UI_PORT:-4747}"           # the client-mode driver's UI (REST: executors, storage)
EPOCHS=30

# Two executors of one core on two workers: minRegisteredResourcesRatio makes the driver wait for
# both before the first job, so the cached blocks are spread over both.
SPARK_OPTS=(--master "$MASTER" --conf spark.executor.cores=1 --conf spark.cores.max=2
  --conf spark.scheduler.minRegisteredResourcesRatio=1.0 --conf spark.scheduler.maxRegisteredResourcesWaitingTime=120s
  --executor-memory 640m)
JOB=("$ROOT/conf/digits-mlp.conf" "data.path=$ROOT/data/digits.csv.gz" "train.epochs=$EPOCHS")
# The test-only fault hooks are not in the product jar: runs that inject faults add this one.
TOOLS_JAR="$ROOT/target/sparktrain-tools.jar"

SCENARIOS=(client cluster failtask killed shapes lostworker sharded persistent shardedstage)
ONLY=("$@")
for s in "${ONLY[@]+"${ONLY[@]}"}"; do
  [[ " ${SCENARIOS[*]} " == *" $s "* ]] || { echo "cluster-test: unknown scenario '$s' (${SCENARIOS[*]})" >&2; exit 2; }
done
want() { # scenario: asked for (or everything is); 1 (client, the reference) whenever 2-4 or 6 are
  local s
  [ ${#ONLY[@]} = 0 ] && return 0
  for s in "${ONLY[@]}"; do
    [ "$s" = "$1" ] || { [ "$1" = client ] && [ "$s" != shapes ] && [ "$s" != sharded ] && [ "$s" != shardedstage ]; } && return 0
  done
  return 1
}

for tool in curl jq timeout; do
  command -v "$tool" >/dev/null || { echo "cluster-test: needs $tool (Debian: apt-get install $tool)" >&2; exit 2; }
done

# say, fail, timed, check_result, sha, same_as_reference, wait_until, wait_for_line
TEST_NAME=cluster-test
# shellcheck source=scripts/lib/run-checks.sh
source scripts/lib/run-checks.sh

pids=()
cleanup() {
  local rc=$?
  for p in "${pids[@]+"${pids[@]}"}"; do # a `timeout` and the driver JVM under it
    kill -9 $(ps -o pid= --ppid "$p" 2>/dev/null) "$p" 2>/dev/null || true
  done
  scripts/local-cluster.sh stop || true
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The Master's JSON (a busy machine can be slow to answer: three tries).
master() {
  local i
  for i in 1 2 3; do curl -sf --max-time 10 "$MASTER_JSON" && return 0; sleep 1; done
  return 1
}

# ---------------------------------------------------------------------------- checks



# A worker's JSON (by web UI port; three tries, as for the Master's).
worker() {
  local i
  for i in 1 2 3; do curl -sf --max-time 10 "http://127.0.0.1:$1/json/" && return 0; sleep 1; done
  return 1
}

# Workers (by web UI port) that ran an executor of application $1.
workers_of_app() {
  local app=$1 n=0 p
  for p in "$WORKER_UI" $((WORKER_UI + 1)); do
    if worker "$p" | jq -e --arg a "$app" '[.executors[], .finishedexecutors[]] | map(select(.appid == $a)) | length > 0' >/dev/null 2>&1; then
      n=$((n + 1))
    fi
  done
  echo "$n"
}

newest_app() { master | jq -r '[.activeapps[], .completedapps[]] | max_by(.starttime) | .id'; }
active_apps() { master | jq '.activeapps | length'; }

no_active_apps() { [ "$(active_apps)" = 0 ]; }

# Client mode, in the foreground: submit_client <name> [spark options] -- [job args]
submit_client() {
  local name=$1; shift
  local sopts=() jargs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do sopts+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  jargs=("$@")
  timeout -k 10 "$RUN_TIMEOUT" ./submit.sh "${SPARK_OPTS[@]}" --driver-memory 1g "${sopts[@]+"${sopts[@]}"}" \
    "${jargs[@]}" >"$OUT/$name.log" 2>&1 || fail "$name: exit status $? (log: $OUT/$name.log)"
}

# The same, in the background; sets BG_PID (the `timeout` process; the driver JVM is its child).
submit_client_bg() {
  local name=$1; shift
  timeout -k 10 "$RUN_TIMEOUT" ./submit.sh "${SPARK_OPTS[@]}" --driver-memory 1g "$@" >"$OUT/$name.log" 2>&1 &
  BG_PID=$!
  pids+=("$BG_PID")
}


# ---------------------------------------------------------------------------- setup
rm -rf "$OUT"
mkdir -p "$OUT"
t_all=$SECONDS
t=$SECONDS
if [ ! -f target/sparktrain.jar ] || [ ! -f "$TOOLS_JAR" ] \
    || [ -n "$(find pom.xml src/main src/tools -newer target/sparktrain.jar -print -quit)" ]; then
  mvn -q -B -Dstyle.color=never -DskipTests package 2>&1 | sed $'s/\e\\[0m//g' >&2
fi
scripts/local-cluster.sh start
timed "start cluster (build SPARK_HOME if needed)" $((SECONDS - t))

# ---------------------------------------------------------------------------- 1. client mode
scenario_client() {
  t=$SECONDS
  submit_client client -- "${JOB[@]}" "output.dir=$OUT/client"
  acc=$(check_result "$OUT/client")
  REF_SHA=$(sha "$OUT/client")
  app=$(newest_app)
  [ "$(workers_of_app "$app")" = 2 ] || fail "client run $app: executors on $(workers_of_app "$app") workers, expected 2"
  timed "1. client mode (val_acc $acc)" $((SECONDS - t))
  say "1. client mode: $app on 2 workers, val_acc $acc, params.bin sha256 $REF_SHA"
}

# ---------------------------------------------------------------------------- 2. cluster mode
scenario_cluster() {
  # Drivers submitted since $1 (a list of known driver ids); the newest one.
  new_driver() { master | jq -r --argjson old "$1" '[.activedrivers[], .completeddrivers[]] | map(select(.id as $i | $old | index($i) | not)) | max_by(.starttime) | .id // empty'; }
  driver_state() { master | jq -r --arg d "$1" '[.activedrivers[], .completeddrivers[]] | map(select(.id == $d)) | .[0].state'; }
  driver_done() { master | jq -e --arg d "$1" '.completeddrivers | map(select(.id == $d)) | length > 0' >/dev/null; }
  driver_dir() { ls -d "$ROOT"/target/cluster/work-*/"$1" 2>/dev/null | head -1; }

  submit_cluster() { # name, job args...; prints the driver id
    local name=$1; shift
    local known
    known=$(master | jq -c '[.activedrivers[], .completeddrivers[]] | map(.id)')
    timeout -k 10 120 ./submit.sh "${SPARK_OPTS[@]}" --deploy-mode cluster --driver-memory 768m "$@" >"$OUT/$name.log" 2>&1 \
      || fail "$name: spark-submit exit status $? (log: $OUT/$name.log)"
    local d=""
    wait_until 60 "the Master to list the driver of $name" eval 'd=$(new_driver "$known"); [ -n "$d" ]'
    echo "$d"
  }

  t=$SECONDS
  drv=$(submit_cluster cluster "${JOB[@]}" "output.dir=$OUT/cluster")
  wait_until "$RUN_TIMEOUT" "driver $drv to finish" driver_done "$drv"
  state=$(driver_state "$drv")
  ddir=$(driver_dir "$drv")
  cp "$ddir/stdout" "$OUT/cluster.driver.stdout" 2>/dev/null || true
  cp "$ddir/stderr" "$OUT/cluster.driver.stderr" 2>/dev/null || true
  [ "$state" = FINISHED ] || fail "cluster mode: driver $drv ended $state (see $ddir/stderr)"
  grep -q '^done: final' "$ddir/stdout" || fail "cluster mode: no 'done:' line in the driver's stdout ($ddir/stdout)"
  acc=$(check_result "$OUT/cluster")
  same_as_reference "$OUT/cluster"
  app=$(newest_app)
  [ "$(workers_of_app "$app")" = 2 ] || fail "cluster run $app: executors on $(workers_of_app "$app") workers, expected 2"
  timed "2. cluster mode (val_acc $acc)" $((SECONDS - t))
  say "2. cluster mode: driver $drv FINISHED on $(basename "$(dirname "$ddir")"), executors on 2 workers, same params.bin"

  # A driver that fails (a bad job key): spark-submit still exits 0; the Master says FAILED.
  t=$SECONDS
  drv=$(submit_cluster cluster-bad "${JOB[@]}" "output.dir=$OUT/cluster-bad" "train.epochs=0")
  wait_until 120 "driver $drv to end" driver_done "$drv"
  state=$(driver_state "$drv")
  [ "$state" = FAILED ] || fail "a failing cluster-mode driver ended $state, expected FAILED"
  ddir=$(driver_dir "$drv")
  grep -q "sparktrain: error: .*train.epochs.*must be >= 1" "$ddir/stderr" || fail "no one-line error in $ddir/stderr"
  timed "2b. cluster mode, failing driver seen as FAILED" $((SECONDS - t))
  say "2b. a failing driver: spark-submit exited 0, the Master reports $state, stderr: $(grep 'sparktrain: error' "$ddir/stderr")"
}

# ---------------------------------------------------------------------------- 3. task failures
scenario_failtask() {
  t=$SECONDS
  # the default job's 64-row batches make one row group, held by partition 1 of 2: a step has one
  # task (partition 1); validation passes run a task on every partition
  spec="epoch2.step3:*:0,epoch4.validation:1:0,epoch6.step7:1:0,epoch6.step7:1:1,epoch6.step7:1:2"
  submit_client failtask --jars "$TOOLS_JAR" --conf "spark.sparktrain.test.failTask=$spec" -- "${JOB[@]}" "output.dir=$OUT/failtask"
  grep -q "^sparktrain: TEST HOOK ACTIVE" "$OUT/failtask.log" || fail "task failures: the driver did not report the hook (log: $OUT/failtask.log)"
  app=$(newest_app)
  injected=$(cat "$ROOT"/target/cluster/work-*/"$app"/*/stderr | grep -c "test hook spark.sparktrain.test.failTask: injected failure" || true)
  [ "$injected" = 5 ] || fail "task failures: $injected injected failures in the executors' logs, expected 5"
  acc=$(check_result "$OUT/failtask")
  same_as_reference "$OUT/failtask"
  timed "3. 5 injected task failures (val_acc $acc)" $((SECONDS - t))
  say "3. task failures: 5 failed attempts retried ($spec), same params.bin"
}

# ---------------------------------------------------------------------------- 4. killed driver
scenario_killed() {
  t=$SECONDS
  submit_client_bg killed "${JOB[@]}" "output.dir=$OUT/killed"
  # the default job writes a checkpoint every 10 epochs: kill it in epoch 11 or 12, so that the work
  # done since the last checkpoint is lost and redone by the resumed run
  wait_for_line "$OUT/killed.log" "^checkpoint: .*epoch-000010$" "$RUN_TIMEOUT" "$BG_PID"
  sleep 1
  driver=$(ps -o pid= --ppid "$BG_PID" | tr -d ' ')
  [ -n "$driver" ] || fail "no driver JVM under pid $BG_PID"
  kill -9 "$driver"
  wait "$BG_PID" 2>/dev/null || true
  [ ! -f "$OUT/killed/model.json" ] || fail "a killed run left a model.json"
  last=$(cat "$OUT/killed/checkpoints/latest")
  killed_in=$(($(grep -c '^epoch ' "$OUT/killed.log") + 1))
  wait_until 60 "the Master to drop the killed driver's application" no_active_apps
  submit_client resumed -- --resume "$OUT/killed"
  grep -q "^resume: from $OUT/killed/checkpoints/$last " "$OUT/resumed.log" || fail "resume did not start from $last"
  acc=$(check_result "$OUT/killed")
  same_as_reference "$OUT/killed"
  timed "4. driver killed in epoch $killed_in, resumed (val_acc $acc)" $((SECONDS - t))
  say "4. killed driver: kill -9 during epoch $killed_in, resumed from $last, same params.bin"
}

# ---------------------------------------------------------------------------- 5. cluster shapes
# The same (shorter) job on 1 one-core executor, on 4 (one of them killed mid-run), interrupted on 4
# and resumed on 2, each with another partition count, and in local mode: one params.bin SHA-256.
# Batches of 600 of the 1437 training rows: 2 row groups (about one per 512 batch rows), so two
# partitions hold rows and their partial sums meet (64-row batches make one group: one busy task).
SHAPE_EPOCHS=16
SHAPE_JOB=("${JOB[@]}" "train.epochs=$SHAPE_EPOCHS" "train.batch_size=600")
# params.bin matches its model.json, and the run did all $2 epochs (default $SHAPE_EPOCHS)
check_saved() {
  local n=${2:-$SHAPE_EPOCHS}
  [ -f "$1/model.json" ] && [ "$(sha "$1")" = "$(jq -r .params_sha256 "$1/model.json")" ] || fail "$1: no model or params.bin does not match model.json"
  jq -e --argjson n "$n" '.history | length == $n' "$1/model.json" >/dev/null || fail "$1: not $n epochs"
}
# the driver-side step on one core, one partition: run $1 of the job args that follow (its SHA-256 is the reference)
reference_run() {
  local name=$1; shift
  submit_client "$name" --conf spark.cores.max=1 -- "$@" "data.partitions=1" "train.sharded_optimizer=off" "output.dir=$OUT/$name"
}
same_as() { [ "$(sha "$2")" = "$1" ] || fail "$2/params.bin: SHA-256 $(sha "$2") differs from the 1-executor run's $1"; }
# run $1 (in the background): its executor process $2 killed; it finishes, the driver reports $3, params.bin has
# SHA-256 $4 (after $5 epochs, default $SHAPE_EPOCHS)
killed_executor_run_ends_same() {
  kill -9 "$2"
  wait "$BG_PID" || fail "$1: exit status $? (log: $OUT/$1.log)"
  grep -q "$3" "$OUT/$1.log" || fail "$1: the driver did not report '$3'"
  check_saved "$OUT/$1" "${5:-}"
  same_as "$4" "$OUT/$1"
}
executors_of_app() { # executors (live or finished) the Workers ran for application $1
  local p
  for p in "$WORKER_UI" $((WORKER_UI + 1)); do worker "$p" | jq --arg a "$1" '[.executors[], .finishedexecutors[]] | map(select(.appid == $a)) | length'; done \
    | awk '{ n += $1 } END { print n + 0 }'
}
scenario_shapes() {
  local one victim
  t=$SECONDS
  wait_until 60 "no application on the cluster" no_active_apps
  submit_client shape1 --conf spark.cores.max=1 -- "${SHAPE_JOB[@]}" "data.partitions=1" "output.dir=$OUT/shape1"
  check_saved "$OUT/shape1"
  one=$(sha "$OUT/shape1")
  [ "$(executors_of_app "$(newest_app)")" = 1 ] || fail "shape1: expected 1 executor"

  # 4 executors, 8 partitions; one executor killed in epoch 2 (its cached blocks are recomputed)
  submit_client_bg shape4 --conf spark.cores.max=4 "${SHAPE_JOB[@]}" "data.partitions=8" "output.dir=$OUT/shape4"
  wait_for_line "$OUT/shape4.log" "^epoch +1/$SHAPE_EPOCHS " "$RUN_TIMEOUT" "$BG_PID"
  app=$(master | jq -r '.activeapps[0].id')
  [ "$(executors_of_app "$app")" = 4 ] || fail "shape4: expected 4 executors, the Workers ran $(executors_of_app "$app")"
  # an executor of worker 2: a child JVM of the Worker (the driver runs here, in client mode)
  victim=$(ps -o pid= --ppid "$(cat "$ROOT/target/cluster/pids/worker-2.pid")" | head -1 | tr -d ' ')
  [ -n "$victim" ] || fail "shape4: no executor process under worker 2"
  killed_executor_run_ends_same shape4 "$victim" "Lost executor" "$one"

  # interrupted (driver killed) after the epoch-2 checkpoint on 4 executors, resumed on 2 with 3
  # partitions, the partial sums merged on the executors (a shuffle per step) rather than the driver
  submit_client_bg shapecut --conf spark.cores.max=4 "${SHAPE_JOB[@]}" "data.partitions=4" "checkpoint.every=2" \
    "output.dir=$OUT/shapecut"
  wait_for_line "$OUT/shapecut.log" "^checkpoint: .*epoch-000002$" "$RUN_TIMEOUT" "$BG_PID"
  kill -9 "$(ps -o pid= --ppid "$BG_PID" | tr -d ' ')"
  wait "$BG_PID" 2>/dev/null || true
  [ ! -f "$OUT/shapecut/model.json" ] || fail "shapecut: the interrupted run finished before it was killed"
  wait_until 60 "the Master to drop the killed driver's application" no_active_apps
  submit_client shaperesumed --conf spark.cores.max=2 --conf spark.sparktrain.reduce=executors -- \
    --resume "$OUT/shapecut" "data.partitions=3"
  grep -q "^resume: from $OUT/shapecut/checkpoints/epoch-0000" "$OUT/shaperesumed.log" || fail "shaperesumed: no resume line"
  ! grep -q "^resume: note" "$OUT/shaperesumed.log" || fail "shaperesumed: $(grep '^resume: note' "$OUT/shaperesumed.log")"
  [ "$(executors_of_app "$(newest_app)")" = 2 ] || fail "shaperesumed: expected 2 executors"
  check_saved "$OUT/shapecut"
  same_as "$one" "$OUT/shapecut"

  # local mode (local[*], no cluster), 5 partitions, 1 thread per task
  timeout -k 10 "$RUN_TIMEOUT" ./submit.sh --conf spark.sparktrain.taskThreads=1 "${SHAPE_JOB[@]}" "data.partitions=5" \
    "output.dir=$OUT/shapelocal" >"$OUT/shapelocal.log" 2>&1 || fail "shapelocal: exit status $? (log: $OUT/shapelocal.log)"
  check_saved "$OUT/shapelocal"
  same_as "$one" "$OUT/shapelocal"
  timed "5. shapes: 1 vs 4 executors, lost executor, resume on 2, local" $((SECONDS - t))
  say "5. shapes: 1 executor, 4 (one killed), 4 interrupted and resumed on 2, local mode: params.bin sha256 $one"
}

# ---------------------------------------------------------------------------- 6. lost worker
scenario_lostworker() {
  t=$SECONDS
  # batches of 600 (lr 0.02 to reach the 95% check in 30 epochs of 3 steps): 2 row groups, so both
  # partitions (and both workers) hold training rows; the
  # default job's 64-row batches make one group, and the worker killed might hold no rows at all
  local lw_job=("${JOB[@]}" "train.batch_size=600" "optimizer.lr=0.02")
  submit_client_bg lostworker --conf spark.ui.port=$UI_PORT "${lw_job[@]}" "output.dir=$OUT/lostworker"
  wait_for_line "$OUT/lostworker.log" "^epoch +2/$EPOCHS " "$RUN_TIMEOUT" "$BG_PID"
  app=$(master | jq -r '.activeapps[0].id')
  rest="http://127.0.0.1:$UI_PORT/api/v1/applications/$app"
  # the executor on worker 2, and the cached blocks it holds (from the driver's REST API)
  blocks_on() {
    local r
    for r in $(curl -sf --max-time 10 "$rest/storage/rdd" | jq -r '.[].id'); do
      # blocks holding rows only: a partition without a row group caches an empty block that no step reads again
      curl -sf --max-time 10 "$rest/storage/rdd/$r" | jq -r --arg e "$1" '.partitions[] | select((.executors | index($e)) and .memoryUsed > 4096) | .blockName'
    done
  }
  exec2=""
  lost=""
  find_lost() {
    exec2=$(worker $((WORKER_UI + 1)) | jq -r --arg a "$app" '.executors | map(select(.appid == $a)) | .[0].id // empty') || return 1
    [ -n "$exec2" ] || return 1
    lost=$(blocks_on "$exec2" | sort | tr '\n' ' ') || return 1
    [ -n "${lost// /}" ]
  }
  wait_until 60 "worker 2's executor and the cached blocks it holds (killing it must lose some)" find_lost
  scripts/local-cluster.sh kill-worker 2
  # the lost blocks come back, recomputed from data/digits.csv.gz, on a surviving executor
  recomputed() {
    local b; for b in $lost; do
      curl -sf --max-time 10 "$rest/storage/rdd/$(echo "$b" | cut -d_ -f2)" \
        | jq -e --arg b "$b" --arg e "$exec2" '.partitions[] | select(.blockName == $b) | .executors | length > 0 and (index($e) | not)' >/dev/null \
        || return 1
    done
  }
  wait_until 120 "the lost blocks ($lost) to be cached again elsewhere" recomputed
  wait "$BG_PID" || fail "lostworker: exit status $? (log: $OUT/lostworker.log)"
  grep -q "Lost executor $exec2" "$OUT/lostworker.log" || fail "the driver did not report losing executor $exec2"
  acc=$(check_result "$OUT/lostworker")
  # the same job in local mode, undisturbed: the same bits
  timeout -k 10 "$RUN_TIMEOUT" ./submit.sh "${lw_job[@]}" "output.dir=$OUT/lostworker-local" >"$OUT/lostworker-local.log" 2>&1 \
    || fail "lostworker-local: exit status $? (log: $OUT/lostworker-local.log)"
  [ "$(sha "$OUT/lostworker")" = "$(sha "$OUT/lostworker-local")" ] \
    || fail "lostworker: params.bin differs from the same job's undisturbed local run"
  [ "$(master | jq '[.workers[] | select(.state == "ALIVE")] | length')" = 1 ] || fail "expected 1 live worker after the kill"
  timed "6. worker 2 killed after epoch 2 (val_acc $acc)" $((SECONDS - t))
  say "6. lost worker: executor $exec2 and its blocks ($lost) lost, recomputed, finished on worker 1, same params.bin"
}

# ---------------------------------------------------------------------------- 7. sharded step
# The optimizer step on the executors: parameters and optimizer state in slices (clip_grad_norm_
# sums per tensor, so the digits model makes 4 slices), each kept with a replica. One executor that
# holds a slice is killed in epoch 2: its slices are read from their replicas and its lost gradient
# recomputed. params.bin equals the driver-side step's on 1 executor and the sharded step's in local mode.
SHARD_JOB=("${SHAPE_JOB[@]}" "clip.max_norm=5")
scenario_sharded() {
  local ref owner victim
  t=$SECONDS
  wait_until 60 "no application on the cluster" no_active_apps
  reference_run shardref "${SHARD_JOB[@]}"
  check_saved "$OUT/shardref"
  ref=$(sha "$OUT/shardref")
  submit_client_bg sharded4 --conf spark.cores.max=4 --conf spark.ui.port=$UI_PORT "${SHARD_JOB[@]}" "data.partitions=8" \
    "train.sharded_optimizer=on" "output.dir=$OUT/sharded4"
  wait_for_line "$OUT/sharded4.log" "^epoch +1/$SHAPE_EPOCHS " "$RUN_TIMEOUT" "$BG_PID"
  app=$(master | jq -r '.activeapps[0].id')
  rest="http://127.0.0.1:$UI_PORT/api/v1/applications/$app"
  owner=""
  find_owner() { # an executor holding a block of the cached slices (the RDDs ShardedStep names so)
    local r
    for r in $(curl -sf --max-time 10 "$rest/storage/rdd" | jq -r '.[] | select(.name | startswith("sparktrain sharded state")) | .id'); do
      owner=$(curl -sf --max-time 10 "$rest/storage/rdd/$r" | jq -r '[.partitions[].executors[]] | map(select(. != "driver")) | .[0] // empty')
      [ -n "$owner" ] && return 0
    done
    return 1
  }
  wait_until 60 "an executor that owns a slice" find_owner
  victim=$(pgrep -f -- "--executor-id $owner .*--app-id $app" | head -1)
  [ -n "$victim" ] || fail "sharded4: no process for executor $owner"
  killed_executor_run_ends_same sharded4 "$victim" "Lost executor $owner" "$ref"
  timeout -k 10 "$RUN_TIMEOUT" ./submit.sh "${SHARD_JOB[@]}" "data.partitions=3" "train.sharded_optimizer=on" \
    "output.dir=$OUT/shardlocal" >"$OUT/shardlocal.log" 2>&1 || fail "shardlocal: exit status $? (log: $OUT/shardlocal.log)"
  check_saved "$OUT/shardlocal"
  same_as "$ref" "$OUT/shardlocal"
  timed "7. sharded step: 4 executors, slice owner $owner killed; local mode" $((SECONDS - t))
  say "7. sharded step: owner $owner killed mid-run, same params.bin as the driver-side step ($ref)"
}

# ---------------------------------------------------------------------------- 8. persistent steps
scenario_persistent() {
  t=$SECONDS
  submit_client persistent --conf spark.sparktrain.persistentSteps=true -- "${JOB[@]}" "output.dir=$OUT/persistent"
  grep -q "persistent steps on" "$OUT/persistent.log" || fail "persistent: the steps did not start in a barrier stage (log: $OUT/persistent.log)"
  ! grep -q "persistent steps off" "$OUT/persistent.log" || fail "persistent: $(grep -m1 'persistent steps off' "$OUT/persistent.log")"
  acc=$(check_result "$OUT/persistent")
  same_as_reference "$OUT/persistent"
  timed "8. persistent steps (val_acc $acc)" $((SECONDS - t))
  say "8. persistent steps: the steps in barrier stages on 2 executors, same params.bin"
}

# ---------------------------------------------------------------------------- 9. sharded step in one stage
# One barrier stage on 2 one-core executors keeps a slice in each task (one partition, one slot
# each: after scenario 6 one worker of 2 cores is left). Without validation and with no checkpoint
# before the end, one stage serves the whole run, so the executor killed in epoch 2 dies inside it:
# the stage fails, its steps are replayed through jobs from its replicated starting state, and the
# run goes on (through jobs, or a new stage once the slots are back). Same params.bin as the
# driver-side step.
STAGE_EPOCHS=60 # ~0.05 s an epoch in the stage: the kill lands well before the end
STAGE_JOB=("${SHARD_JOB[@]}" "train.epochs=$STAGE_EPOCHS" "data.validation_fraction=0" "checkpoint.every=1000")
scenario_shardedstage() {
  local ref victim replayed
  t=$SECONDS
  wait_until 60 "no application on the cluster" no_active_apps
  reference_run stageref "${STAGE_JOB[@]}"
  check_saved "$OUT/stageref" "$STAGE_EPOCHS"
  ref=$(sha "$OUT/stageref")
  submit_client_bg shardstage --conf spark.sparktrain.persistentSteps=true "${STAGE_JOB[@]}" \
    "data.partitions=2" "train.sharded_optimizer=on" "output.dir=$OUT/shardstage"
  wait_for_line "$OUT/shardstage.log" "^epoch +1/$STAGE_EPOCHS " "$RUN_TIMEOUT" "$BG_PID"
  grep -q "persistent sharded steps on" "$OUT/shardstage.log" \
    || fail "shardstage: the sharded step did not start in a barrier stage: $(grep -m1 'persistent sharded' "$OUT/shardstage.log")"
  sleep 1
  app=$(master | jq -r '.activeapps[0].id')
  victim=$(pgrep -f -- "--app-id $app" | head -1)
  [ -n "$victim" ] || fail "shardstage: no executor process of $app"
  killed_executor_run_ends_same shardstage "$victim" "Lost executor" "$ref" "$STAGE_EPOCHS"
  replayed=$(grep -c "persistent sharded stage failed" "$OUT/shardstage.log" || true)
  [ "$replayed" -ge 1 ] || fail "shardstage: the killed executor did not fail a stage (log: $OUT/shardstage.log)"
  timed "9. sharded step in one stage: 2 executors, one killed mid-stage" $((SECONDS - t))
  say "9. sharded step in one stage: an executor killed mid-stage, its steps replayed through jobs, same params.bin ($ref)"
}

# ---------------------------------------------------------------------------- run them
for s in "${SCENARIOS[@]}"; do
  want "$s" || continue
  "scenario_$s"
done
scripts/local-cluster.sh stop
timed "total" $((SECONDS - t_all))
say "PASSED (${ONLY[*]:-every scenario})${REF_SHA:+; params.bin sha256 $REF_SHA in every 30-epoch run}"
printf '  %s\n' "${timings[@]}"
