#!/usr/bin/env bash
# Issue 13's large-model check: a sparse linear(10000000,2) (2e7 parameters) on 4,000 rows and
# 32 partitions takes its steps in local mode in ONE 3 GB JVM with Spark's default
# spark.driver.maxResultSize (1g). Before the executors merged the partial sums, every task
# returned a dense 2e7-value gradient (160 MB) and the job aborted ("Total size of serialized
# results ... is bigger than spark.driver.maxResultSize") or ran out of memory.
#   scripts/big-sparse.sh            # ~3-6 min on 2 cores; exit 0 when the run finishes
# Prints the run's lines and the data set's size; writes to ${BIG_SPARSE_DIR:-/tmp/sparktrain-big-sparse}.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${BIG_SPARSE_DIR:-/tmp/sparktrain-big-sparse}"
rm -rf "$dir"; mkdir -p "$dir"
# 100 non-zeros per row (density 1e-5): the data are small, the model is not.
./submit.sh --driver-memory 3g generate rows=4000 features=10000000 density=0.00001 classes=2 partitions=4 \
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
checkpoint.every = 0
output.dir = $dir/run
CONF
start=$(date +%s)
./submit.sh --driver-memory 3g "$dir/job.conf" | tee "$dir/run.log"
grep -q '^done:' "$dir/run.log"
echo "big-sparse: 2e7 parameters, 32 partitions, 3 GB JVM: $(($(date +%s) - start)) s, params.bin $(stat -c %s "$dir/run/params.bin") bytes"
