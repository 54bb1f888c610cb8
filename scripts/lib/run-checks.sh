# Sourced by scripts/cluster-test.sh and scripts/yarn-test.sh (from the project root, after setting
# TEST_NAME): messages, timings, and the checks of a digits run's RESULT in a local directory
# (check_result needs EPOCHS; same_as_reference REF_SHA). Needs jq.
timings=()

say() { echo "$TEST_NAME: $*"; }

fail() { echo "$TEST_NAME: FAILED: $*" >&2; exit 1; }

timed() { timings+=("$(printf '%-44s %4d s' "$1" "$2")"); }

# The job's result in an output directory: 30 epochs, final validation accuracy >= 0.95 in
# model.json and the same figure in the last metrics row, report written, last checkpoint at 30.
check_result() {
  local dir=$1 acc
  [ -f "$dir/model.json" ] && [ -f "$dir/params.bin" ] || fail "$dir: no saved model"
  acc=$(jq -r '.history[-1].val_accuracy' "$dir/model.json")
  jq -e --argjson n "$EPOCHS" '(.history | length) == $n and .history[-1].epoch == $n and .history[-1].val_accuracy >= 0.95
      and .param_count == 9610' "$dir/model.json" >/dev/null || fail "$dir/model.json: expected $EPOCHS epochs and val_accuracy >= 0.95, got $acc"
  [ "$(jq -s 'map(select(.kind == "epoch")) | length' "$dir/metrics.jsonl")" = "$EPOCHS" ] || fail "$dir/metrics.jsonl: not $EPOCHS epoch rows"
  [ "$(jq -s -r 'map(select(.kind == "epoch"))[-1].val_accuracy' "$dir/metrics.jsonl")" = "$acc" ] || fail "$dir/metrics.jsonl: last val_accuracy differs from model.json"
  [ "$(head -1 "$dir/metrics.csv" | cut -d, -f1-3)" = "kind,epoch,step" ] || fail "$dir/metrics.csv: no header"
  [ -s "$dir/report.html" ] || fail "$dir: no report.html"
  [ "$(cat "$dir/checkpoints/latest")" = "epoch-$(printf %06d "$EPOCHS")" ] || fail "$dir: latest checkpoint is not epoch $EPOCHS"
  [ "$(sha256sum < "$dir/params.bin" | cut -d' ' -f1)" = "$(jq -r .params_sha256 "$dir/model.json")" ] || fail "$dir: params.bin does not match model.json"
  echo "$acc"
}

sha() { sha256sum < "$1/params.bin" | cut -d' ' -f1; }

same_as_reference() {
  [ "$(sha "$1")" = "$REF_SHA" ] || fail "$1/params.bin: SHA-256 $(sha "$1") differs from the reference run's $REF_SHA"
}

wait_until() { # seconds, what, command...
  local secs=$1 what=$2; shift 2
  local end=$((SECONDS + secs))
  until "$@"; do
    [ $SECONDS -lt $end ] || fail "timed out after ${secs}s waiting for $what"
    sleep 1
  done
}

wait_for_line() { # file, extended regex, seconds, pid that must stay alive
  local file=$1 re=$2 secs=$3 pid=$4
  local end=$((SECONDS + secs))
  until grep -Eq "$re" "$file" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || fail "the run ended before printing /$re/ ($file)"
    [ $SECONDS -lt $end ] || fail "timed out waiting for /$re/ in $file"
    sleep 0.2
  done
}
