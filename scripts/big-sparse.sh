#!/usr/bin/env bash
# The large-model check: a sparse linear(10000000,2) (2e7 parameters) on 4,000 rows and 32
# partitions trains in local mode in ONE 2 GB JVM (--driver-memory 2g) with the sharded optimizer
# step (issue 14): the weights and the optimizer live in slices, only the touched columns of the
# first layer travel (sparse gathers and scatters), the driver never holds a gradient.
# Before issue 13 every task returned a dense 2e7-value gradient (160 MB) and the job aborted; the
# driver-side step (BIG_SPARSE_SHARDED=off) needs BIG_SPARSE_MEMORY=3g.
#   scripts/big-sparse.sh            # ~2-6 min on 2 cores; exit 0 when the run finishes
# Prints the run's lines, the data set's size and params.bin's SHA-256 (the same with either step);
# writes to ${BIG_SPARSE_DIR:-/tmp/sparktrain-big-sparse}.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${BIG_SPARSE_DIR:-/tmp/sparktrain-big-sparse}"
rm -rf "$dir"; mkdir -p "$dir"
# 100 non-zeros per row (density 1e-5): the data are small, the model is not.
./submit.sh --driver-memory "${BIG_SPARSE_MEMORY:-2g}" generate rows=4000 features=10000000 density=0.00001 classes=2 partitions=4 \
  format=libsvm output="$dir/data" >"$dir/generate.log"
cat > "$dir/job.conf" <<CONF
data.path = $dir/data
data.format = libsvm
data.features = 10000000
data.classes = 2
data.partitions = 32
data.validation_fraction = 0
model = linear(10000000,2)
loss = CrossEntropyLoss
optimizer = SGD
optimizer.lr = 0.5
train.epochs = 1
train.batch_size = 1000
train.shuffle = true
train.sharded_optimizer = ${BIG_SPARSE_SHARDED:-on}
checkpoint.every = 0
output.dir = $dir/run
CONF
start=$(date +%s)
./submit.sh --driver-memory "${BIG_SPARSE_MEMORY:-2g}" "$dir/job.conf" | tee "$dir/run.log"
grep -q '^done:' "$dir/run.log"
echo "big-sparse: 2e7 parameters, 32 partitions, ${BIG_SPARSE_MEMORY:-2g} JVM, sharded_optimizer ${BIG_SPARSE_SHARDED:-on}: \
$(($(date +%s) - start)) s, params.bin $(stat -c %s "$dir/run/params.bin") bytes, sha256 $(sha256sum "$dir/run/params.bin" | cut -c1-64)"
