#!/usr/bin/env bash
# A Spark standalone cluster on this machine: one Master and two Workers on 127.0.0.1, run from
# the Maven-resolved Spark jars (no Spark download needed).
#
#   scripts/local-cluster.sh home     # build target/spark-home (jars/, conf/, bin/spark-submit) only
#   scripts/local-cluster.sh start    # build it if needed, start Master + 2 Workers, wait until ALIVE
#   scripts/local-cluster.sh status   # what runs (PIDs, workers, apps, drivers)
#   scripts/local-cluster.sh stop     # stop every daemon it started (by recorded PID), with their executors/drivers
#   scripts/local-cluster.sh kill-worker N   # kill -9 Worker N and its executors/drivers (fault tests)
#
# Then: SPARK_HOME=target/spark-home ./submit.sh --master spark://127.0.0.1:7077 [--deploy-mode cluster] ...
#
# Settings (environment): SPARK_MASTER_PORT (7077), SPARK_MASTER_WEBUI_PORT (8080), worker web UIs
# on 8081 and 8082 (SPARK_WORKER_WEBUI_PORT = the first), SPARK_WORKER_CORES (2),
# SPARK_WORKER_MEMORY (2g), SPARK_DAEMON_MEMORY (256m), CLUSTER_DIR (target/cluster: pids, logs,
# work dirs). Each daemon is a plain `java -cp "$SPARK_HOME/conf:$SPARK_HOME/jars/*" <class>`;
# Workers need SPARK_HOME and SPARK_SCALA_VERSION to build their executors' command lines.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SPARK_HOME="$ROOT/target/spark-home"
CLUSTER_DIR="${CLUSTER_DIR:-$ROOT/target/cluster}"
MASTER_PORT="${SPARK_MASTER_PORT:-7077}"
MASTER_UI="${SPARK_MASTER_WEBUI_PORT:-8080}"
WORKER_UI="${SPARK_WORKER_WEBUI_PORT:-8081}"
WORKER_CORES="${SPARK_WORKER_CORES:-2}"
WORKER_MEMORY="${SPARK_WORKER_MEMORY:-2g}"
DAEMON_MEMORY="${SPARK_DAEMON_MEMORY:-256m}"
MASTER_URL="spark://127.0.0.1:$MASTER_PORT"
export SPARK_HOME SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
unset SPARK_CONF_DIR

log() { echo "local-cluster: $*" >&2; }

# --------------------------------------------------------------------------- SPARK_HOME
build_home() {
  local stamp="$SPARK_HOME/.built-from-pom"
  if [ -f "$stamp" ] && [ "$stamp" -nt pom.xml ] && [ "$stamp" -nt scripts/spark-home/bin/spark-submit ] \
      && [ "$stamp" -nt conf/log4j2.properties ]; then
    return 0
  fi
  log "building $SPARK_HOME from the Maven-resolved Spark jars"
  rm -rf "$SPARK_HOME"
  mkdir -p "$SPARK_HOME/jars" "$SPARK_HOME/conf" "$SPARK_HOME/bin"
  # Spark, Scala, Hadoop client and the rest: the pom's provided dependencies and theirs (not junit).
  mvn -q -B -Dstyle.color=never dependency:copy-dependencies -DincludeScope=provided \
    -DoutputDirectory="$SPARK_HOME/jars" 2>&1 | sed $'s/\e\\[0m//g' >&2
  ls "$SPARK_HOME"/jars/spark-core_*.jar >/dev/null
  cp scripts/spark-home/bin/spark-submit "$SPARK_HOME/bin/"
  cp conf/log4j2.properties "$SPARK_HOME/conf/"
  # The --add-opens list Spark needs on Java 17, as the pom keeps it for tests and submit.sh.
  sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' pom.xml > "$SPARK_HOME/conf/java-module-flags"
  [ -s "$SPARK_HOME/conf/java-module-flags" ]
  touch "$stamp"
}

# --------------------------------------------------------------------------- daemons
pidfile() { echo "$CLUSTER_DIR/pids/$1.pid"; }
alive() { local f; f=$(pidfile "$1"); [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null; }

# Starts one daemon in the background, records its PID.
launch() {
  local name=$1 class=$2; shift 2
  mkdir -p "$CLUSTER_DIR/pids" "$CLUSTER_DIR/logs"
  # shellcheck disable=SC2046
  nohup java $(cat "$SPARK_HOME/conf/java-module-flags") -Xmx"$DAEMON_MEMORY" \
    -cp "$SPARK_HOME/conf:$SPARK_HOME/jars/*" "$class" "$@" \
    >"$CLUSTER_DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$(pidfile "$name")"
}

master_json() { curl -sf --max-time 5 "http://127.0.0.1:$MASTER_UI/json/"; }

wait_for() { # seconds, description, command...
  local secs=$1 what=$2; shift 2
  local end=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $end ]; then log "timed out after ${secs}s waiting for $what"; return 1; fi
    sleep 0.5
  done
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

workers_alive() { # n: the Master lists at least n ALIVE workers (its own field is "status", theirs "state")
  [ "$(master_json | grep -o '"state" *: *"ALIVE"' | wc -l)" -ge "$1" ]
}

start() {
  build_home
  if alive master || alive worker-1 || alive worker-2; then log "already running (stop it first)"; status; return 1; fi
  for p in "$MASTER_PORT" "$MASTER_UI" "$WORKER_UI" $((WORKER_UI + 1)); do
    port_free "$p" || { log "port $p on 127.0.0.1 is in use (another cluster?)"; return 1; }
  done
  local t0=$SECONDS
  launch master org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port "$MASTER_PORT" --webui-port "$MASTER_UI"
  wait_for 180 "the Master at $MASTER_URL" master_json || { stop; return 1; }
  for i in 1 2; do
    mkdir -p "$CLUSTER_DIR/work-$i"
    launch "worker-$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 \
      --cores "$WORKER_CORES" --memory "$WORKER_MEMORY" --webui-port $((WORKER_UI + i - 1)) \
      --work-dir "$CLUSTER_DIR/work-$i" "$MASTER_URL"
  done
  wait_for 180 "2 ALIVE workers" workers_alive 2 || { stop; return 1; }
  log "up in $((SECONDS - t0)) s: $MASTER_URL (UI http://127.0.0.1:$MASTER_UI), 2 workers x $WORKER_CORES cores / $WORKER_MEMORY"
}

# Children of a daemon (a Worker's executors and drivers), so that they go with it.
children() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' ' || true; }

stop_one() {
  local name=$1 sig=${2:-TERM} f pid kids
  f=$(pidfile "$name")
  [ -f "$f" ] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kids=$(children "$pid")
    kill -s "$sig" "$pid" 2>/dev/null || true
    local end=$((SECONDS + 15))
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $end ]; do sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    for k in $kids; do kill -9 "$k" 2>/dev/null || true; done
  fi
  rm -f "$f"
}

stop() {
  stop_one worker-1
  stop_one worker-2
  stop_one master
  log "stopped"
}

kill_worker() { # the fault: a Worker and its executors/drivers die at once (kill -9)
  local n=$1 f pid kids
  f=$(pidfile "worker-$n")
  [ -f "$f" ] || { log "worker-$n was not started"; return 1; }
  pid=$(cat "$f")
  kids=$(children "$pid")
  kill -9 "$pid" $kids 2>/dev/null || true
  rm -f "$f"
  log "killed worker-$n (pid $pid) and its children: ${kids:-none}"
}

status() {
  for n in master worker-1 worker-2; do
    if alive "$n"; then echo "$n: running, pid $(cat "$(pidfile "$n")")"; else echo "$n: not running"; fi
  done
  if master_json >/dev/null 2>&1 && command -v jq >/dev/null; then
    master_json | jq -r '"master: \(.url) \(.status); workers: " + ([.workers[] | "\(.host):\(.port) \(.state) \(.coresused)/\(.cores) cores"] | join(", "))
      + "; apps: \(.activeapps | length) active, \(.completedapps | length) completed; drivers: \(.activedrivers | length) active, \(.completeddrivers | length) completed"'
  fi
}

case "${1:-}" in
  home) build_home; echo "$SPARK_HOME" ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill-worker) kill_worker "${2:?kill-worker needs a worker number (1 or 2)}" ;;
  *) echo "usage: $0 home|start|stop|status|kill-worker N" >&2; exit 2 ;;
esac
