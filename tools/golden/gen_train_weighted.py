#!/usr/bin/python3
"""Weighted training golden cases from real PyTorch 1.13.1 (float64, CPU, single thread).

Writes train_w_*.json into src/test/resources/golden-extra/: kind "train" of
src/test/resources/golden/README.md plus a per-row sample weight array "w". Each batch's loss
is PyTorch's reduction='none' terms times the rows' weights, divided by the weighted normalizer:

    CrossEntropyLoss (class weights c, 1 when absent):  sum(w_i * l_i) / sum(w_i * c[y_i])
        (l_i = the 'none' term, which already holds c[y_i] and the label smoothing part)
    MSELoss / BCEWithLogitsLoss ([n, C] terms):         sum(w_i * l_ij) / (C * sum(w_i))

With all weights 1 these are PyTorch's 'mean'. Deterministic: every case draws from its own
seeded generator, so re-running gives byte-identical files.

    /usr/bin/python3 tools/golden/gen_train_weighted.py [out_dir]
"""
import math
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_nn_extra import OUT, flat, write  # noqa: E402  (float64, one thread; the same JSON layout)


class JavaRandom:
    """java.util.Random (the 48-bit LCG), enough for nextDouble()."""

    MASK = (1 << 48) - 1

    def __init__(self, seed):
        self.seed = (seed ^ 0x5DEECE66D) & self.MASK

    def next(self, bits):
        self.seed = (self.seed * 0x5DEECE66D + 0xB) & self.MASK
        return self.seed >> (48 - bits)

    def next_double(self):
        return ((self.next(26) << 27) + self.next(27)) * (1.0 / (1 << 53))


def sparktrain_init(model, seed):
    """sparktrain's Sequential.initParams(seed): one java.util.Random, every Linear's weight then bias
    uniform in [-1/sqrt(in), 1/sqrt(in)) as (2u - 1)·bound. Cases start from it, so the Spark ML
    estimators (which start from their seed) replay them exactly."""
    rng = JavaRandom(seed)
    with torch.no_grad():
        for m in model:
            if isinstance(m, torch.nn.Linear):
                bound = 1.0 / math.sqrt(m.in_features)
                for p in (m.weight, m.bias) if m.bias is not None else (m.weight,):
                    v = [(2 * rng.next_double() - 1) * bound for _ in range(p.numel())]
                    p.copy_(torch.tensor(v).reshape(p.shape))


def build(layers):
    mods = []
    for l in layers:
        if l["type"] == "linear":
            mods.append(torch.nn.Linear(l["in"], l["out"]))
        elif l["type"] == "relu":
            mods.append(torch.nn.ReLU())
        elif l["type"] == "tanh":
            mods.append(torch.nn.Tanh())
    return torch.nn.Sequential(*mods)


def weighted_loss(name, options, out, y, w):
    """The batch loss: 'none' terms times w, over the weighted normalizer (see the module doc);
    without weights (w None) PyTorch's own reduction."""
    kw = {k: (torch.tensor(v) if isinstance(v, list) else v) for k, v in options.items()}
    if w is None:
        return getattr(torch.nn, name)(**kw)(out, y)
    terms = getattr(torch.nn, name)(reduction="none", **kw)(out, y)
    if name == "CrossEntropyLoss":
        cw = kw.get("weight")
        share = torch.ones_like(w) if cw is None else cw[y]
        return (w * terms).sum() / (w * share).sum()
    return (w[:, None] * terms).sum() / (terms.shape[1] * w.sum())


def flat_params(model):
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()])


def train_loop(model, opt, batch_loss, n, batch, epochs):
    """The loop of a train case (README "kind = train"): batches of rows [lo, hi) in data-set order,
    batch_loss(lo, hi) the batch's loss tensor. Returns the batches per epoch, epoch_loss, epoch_lr,
    every step's loss and the flat parameters after each epoch (tensors)."""
    batches = (n + batch - 1) // batch
    epoch_loss, epoch_lr, step_loss, per_epoch = [], [], [], []
    for _ in range(epochs):
        epoch_lr.append(opt.param_groups[0]["lr"])
        total = 0.0
        for b in range(batches):
            lo, hi = b * batch, min((b + 1) * batch, n)
            opt.zero_grad()
            l = batch_loss(lo, hi)
            l.backward()
            opt.step()
            step_loss.append(l.item())
            total += l.item() * (hi - lo)
        epoch_loss.append(total / n)
        per_epoch.append(flat_params(model))
    return batches, epoch_loss, epoch_lr, step_loss, per_epoch


def train_case(cid, desc, seed, layers, loss, optimizer, n, batch, epochs, x, y, w, regression, make=build):
    """One case; w None: unweighted (no "w" field); make: the torch model from the JSON layers."""
    model = make(layers)
    sparktrain_init(model, seed)
    params0 = flat_params(model).clone()
    opt = getattr(torch.optim, optimizer["name"])(model.parameters(), **optimizer["options"])
    batches, epoch_loss, epoch_lr, _, per_epoch = train_loop(
        model, opt, lambda lo, hi: weighted_loss(loss["name"], loss["options"], model(x[lo:hi]), y[lo:hi],
                                                 None if w is None else w[lo:hi]), n, batch, epochs)
    per_epoch = [flat(p) for p in per_epoch]
    case = {
        "id": cid, "kind": "train", "description": desc, "dataset": "synthetic", "init_seed": seed,
        "model": layers, "loss": loss, "optimizer": optimizer, "scheduler": None, "clip": None,
        "batch_size": batch, "epochs": epochs, "n": n, "features": x.shape[1],
        "classes": 0 if regression else [l for l in layers if l["type"] == "linear"][-1]["out"],
        "batches_per_epoch": batches, "x": x.tolist(), "y": y.tolist(), "w": None if w is None else flat(w),
        "params0": flat(params0), "epoch_loss": epoch_loss, "epoch_lr": epoch_lr,
        "final_lr": opt.param_groups[0]["lr"], "params_per_epoch": per_epoch,
    }
    if w is None:
        del case["w"]
    write(case)


def weights(g, n, zeros):
    """Weights in [0, 3) with some exact zeros, a few heavy rows and some exact ones."""
    w = torch.rand(n, generator=g) * 3
    w[zeros] = 0.0
    w[1::9] = 1.0
    w[4::11] = 7.5
    return w


def main():
    g = torch.Generator().manual_seed(1701)
    n, d, c = 50, 4, 3
    x = torch.randn(n, d, generator=g)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).long() + (x[:, 2] > 0.8).long()
    w = weights(g, n, [3, 17, 30])
    mlp = [{"type": "linear", "in": d, "out": 8}, {"type": "relu"}, {"type": "linear", "in": 8, "out": c}]
    train_case("train_w_mlp_ce_class_weights_adam",
               "MLP 4-8-3, CrossEntropyLoss(weight) with per-row weights (zeros, ones, heavy rows), Adam, batch 16",
               11, mlp, {"name": "CrossEntropyLoss", "options": {"weight": [1.0, 2.0, 0.5]}},
               {"name": "Adam", "options": {"lr": 0.02}}, n, 16, 4, x, y, w, False)
    train_case("train_w_mlp_ce_smoothing_sgd",
               "MLP 4-6-3 tanh, CrossEntropyLoss(label_smoothing=0.1) with per-row weights, SGD momentum, batch 7",
               12, [{"type": "linear", "in": d, "out": 6}, {"type": "tanh"}, {"type": "linear", "in": 6, "out": c}],
               {"name": "CrossEntropyLoss", "options": {"label_smoothing": 0.1}},
               {"name": "SGD", "options": {"lr": 0.1, "momentum": 0.9}}, n, 7, 3, x, y, w, False)

    g = torch.Generator().manual_seed(1702)
    n, d, k = 43, 5, 2
    x = torch.randn(n, d, generator=g)
    a = torch.randn(d, k, generator=g)
    y = torch.tanh(x @ a) + 0.1 * torch.randn(n, k, generator=g)
    w = weights(g, n, [0, 21])
    train_case("train_w_mlp_mse_adamw",
               "MLP 5-6-2 regression, MSELoss with per-row weights, AdamW, batch 10",
               13, [{"type": "linear", "in": d, "out": 6}, {"type": "relu"}, {"type": "linear", "in": 6, "out": k}],
               {"name": "MSELoss", "options": {}}, {"name": "AdamW", "options": {"lr": 0.01, "weight_decay": 0.05}},
               n, 10, 4, x, y, w, True)

    train_case("train_w_mlp_mse_one_output_sgd",
               "MLP 5-4-1 regression (one output, as the Spark ML regressor), MSELoss with per-row weights, SGD, batch 9",
               14, [{"type": "linear", "in": d, "out": 4}, {"type": "tanh"}, {"type": "linear", "in": 4, "out": 1}],
               {"name": "MSELoss", "options": {}}, {"name": "SGD", "options": {"lr": 0.05}},
               n, 9, 3, x, y[:, :1], w, True)


if __name__ == "__main__":
    assert torch.__version__.startswith("1.13"), torch.__version__
    os.makedirs(OUT, exist_ok=True)
    main()
