#!/usr/bin/env python3
"""PyTorch's side of sparktrain's round-trip tests (run by PyTorchRoundTripTest; float64).

    check_sparktrain.py outputs WEIGHTS.safetensors ROWS.csv
        loads sparktrain's safetensors into the nn.Sequential its metadata names, standardizes the
        rows with the saved mean/std as predict does, and prints the eval-mode outputs as JSON.
    check_sparktrain.py first-epoch-loss INIT.safetensors DATA.csv[.gz] BATCH LR
        one epoch of SGD with CrossEntropyLoss over the rows in file order (label last), starting
        from INIT's weights; prints the epoch's loss as sparktrain reports it: the batches' mean
        losses weighted by their row counts.
"""
import gzip
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sequential_io import from_spec, load_file  # noqa: E402


def rows(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return torch.tensor([[float(v) for v in line.split(",")] for line in f if line.strip()], dtype=torch.float64)


def model_from(path, spec=None):
    tensors, meta = load_file(path)
    model = from_spec(spec or meta["model"])
    model.load_state_dict({k: v.double() for k, v in tensors.items()})
    return model, meta


def outputs(weights, data):
    model, meta = model_from(weights)
    x = rows(data)
    if "standardize.mean" in meta:
        x = (x - torch.tensor(json.loads(meta["standardize.mean"]), dtype=torch.float64)) \
            / torch.tensor(json.loads(meta["standardize.std"]), dtype=torch.float64)
    model.eval()
    with torch.no_grad():
        print(json.dumps(model(x).reshape(-1).tolist()))


def first_epoch_loss(init, data, batch, lr):
    model, _ = model_from(init)
    d = rows(data)
    x, y = d[:, :-1], d[:, -1].long()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    total = 0.0
    for start in range(0, len(x), batch):
        xb, yb = x[start:start + batch], y[start:start + batch]
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item() * len(xb)
    print(repr(total / len(x)))


if __name__ == "__main__":
    torch.manual_seed(0)
    if sys.argv[1] == "outputs":
        outputs(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "first-epoch-loss":
        first_epoch_loss(sys.argv[2], sys.argv[3], int(sys.argv[4]), float(sys.argv[5]))
    else:
        sys.exit("usage: check_sparktrain.py outputs|first-epoch-loss ...")
