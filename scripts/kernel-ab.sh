#!/usr/bin/env bash
# A/B of the training kernel between a git ref (default b1fb103, before issue 15) and the working
# tree's target/sparktrain.jar (build it first: mvn -o -q -DskipTests package). Alternates old and
# new ROUNDS times (default 6) on the MLP 100-64-2 and logistic 100-1, one thread, and prints each
# figure's median new/old ratio and the per-round ratios. The Spark epoch figures of ./bench.sh
# swing 20-50 % between identical runs on a shared 2-core machine; this isolates the arithmetic.
set -euo pipefail
cd "$(dirname "$0")/.."
REF=${1:-b1fb103}
ROUNDS=${ROUNDS:-6}
REPS=${REPS:-30}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/src" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
[ -f target/sparktrain.jar ] && [ -f target/classpath.txt ] || { echo "kernel-ab: build first: mvn -o -q -DskipTests package" >&2; exit 2; }
git worktree add -q --detach "$work/src" "$REF"
(cd "$work/src" && mvn -B -o -q -DskipTests package >/dev/null)
cp "$work/src/target/sparktrain.jar" "$work/old.jar"
cp target/sparktrain.jar "$work/new.jar"
CP=$(cat target/classpath.txt)
for w in old new; do
  mkdir -p "$work/$w"
  javac -cp "$work/$w.jar:$CP" -d "$work/$w" tools/kernel-ab/KernelAB.java
done
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1
for round in $(seq "$ROUNDS"); do
  for w in old new; do
    for spec in "linear(100,64), relu, linear(64,2)" "linear(100,1)"; do
      java -Xmx2g -cp "$work/$w:$work/$w.jar:$CP" KernelAB "$spec" "$REPS" 2>/dev/null | sed "s/^/$w $round /"
    done
  done
done | tee "$work/out.txt"
python3 - "$work/out.txt" <<'PY'
import re, statistics as st, sys
d = {}
for l in open(sys.argv[1]):
    w, rnd, spec, mode = l.split()[:4]
    d.setdefault((spec, mode), {}).setdefault(w, []).append(float(re.search(r'median (\S+)', l).group(1)))
for (spec, mode), v in d.items():
    o, n = v['old'], v['new']
    print(f"FIGURE kernel_ab_{'mlp' if 'relu' in spec else 'logreg'}_{mode}_new_over_old {st.median(n) / st.median(o):.3f} x"
          f"  (old {st.median(o):.4f} us/row, new {st.median(n):.4f}; per round {[round(b / a, 3) for a, b in zip(o, n)]})")
PY
