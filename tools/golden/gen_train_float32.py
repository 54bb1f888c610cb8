#!/usr/bin/python3
"""Float32 training golden cases from real PyTorch 1.13.1 (torch.float32 model, data and loss; CPU,
single thread).

Writes train_f32_*.json into src/test/resources/golden-extra/: kind "train" of
src/test/resources/golden/README.md (the loop of gen_train_weighted.py, unweighted: PyTorch's own
'mean') with "dtype": "float32" and one more field, "step_loss": the float32 loss of every
optimizer step. Every float32 value (x, BCE targets, params0, step_loss, params_per_epoch) is
written as the exact decimal expansion of that float, so a float64 or a float32 reader gets it bit
for bit; epoch_loss is Python's float64 sum of the step losses, as in the float64 cases.
params0 is sparktrain's Sequential.initParams(init_seed) rounded to float32 (what
torch.tensor(values) gives in float32). PyTorch keeps float32 weights and float32 optimizer state.
Deterministic: re-running gives byte-identical files.

    /usr/bin/python3 tools/golden/gen_train_float32.py [out_dir]
"""
import decimal
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_nn_extra import OUT, gen, write  # noqa: E402  (one thread; sets float64, overridden below)
from gen_train_weighted import flat_params, sparktrain_init, train_loop  # noqa: E402
from gen_layers import build  # noqa: E402  (JSON layer objects -> torch modules)

torch.set_default_dtype(torch.float32)


class F32(list):
    """A float32 tensor's values (flat or nested), written as exact decimals."""


def f32(t):
    assert t.dtype == torch.float32, t.dtype
    return F32(t.detach().tolist())


def exact(v):
    """The exact decimal of a float (a float32 value widened to float64 is exact)."""
    s = str(decimal.Decimal(v))
    return s if any(ch in s for ch in ".E") else s + ".0"


def dump(v, as_f32=False):
    if isinstance(v, F32):
        as_f32 = True
    if isinstance(v, dict):
        return "{" + ",".join("%s:%s" % (json.dumps(k), dump(x)) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ",".join(dump(x, as_f32) for x in v) + "]"
    if isinstance(v, float) and as_f32:
        return exact(v)
    return json.dumps(v, allow_nan=False)


def lin(i, o):
    return {"type": "linear", "in": i, "out": o}


def train_case(cid, desc, seed, layers, loss, optimizer, batch, epochs, x, y, classes):
    """One float32 run; y: class indices (long) or float32 targets [n, out]."""
    model = build(layers)
    sparktrain_init(model, seed)
    assert x.dtype == torch.float32 and all(p.dtype == torch.float32 for p in model.parameters())
    params0 = flat_params(model).clone()
    opt = getattr(torch.optim, optimizer["name"])(model.parameters(), **optimizer["options"])
    loss_fn = getattr(torch.nn, loss["name"])(**loss["options"])
    n = x.shape[0]
    batches, epoch_loss, epoch_lr, step_loss, per_epoch = train_loop(
        model, opt, lambda lo, hi: loss_fn(model(x[lo:hi]), y[lo:hi]), n, batch, epochs)
    per_epoch = [f32(p) for p in per_epoch]
    write({
        "id": cid, "kind": "train", "description": desc, "dataset": "synthetic", "init_seed": seed,
        "model": layers, "loss": loss, "optimizer": optimizer, "scheduler": None, "clip": None,
        "batch_size": batch, "epochs": epochs, "n": n, "features": x.shape[1], "classes": classes,
        "batches_per_epoch": batches, "x": f32(x), "y": y.tolist() if classes else f32(y.reshape(-1)),
        "params0": f32(params0), "epoch_loss": epoch_loss, "epoch_lr": epoch_lr,
        "final_lr": opt.param_groups[0]["lr"], "step_loss": F32(step_loss), "params_per_epoch": per_epoch,
    }, "float32", dump)


def three_classes(seed, n, d):
    g = gen(seed)
    x = torch.randn(n, d, generator=g)
    a = torch.randn(d, 3, generator=g)
    return x, torch.argmax(x @ a + 0.5 * torch.randn(n, 3, generator=g), dim=1)


def binary(seed, n, d, density=1.0):
    """0/1 targets of a noisy linear rule; with density < 1 most inputs are exact zeros (CSR-friendly)."""
    g = gen(seed)
    x = torch.randn(n, d, generator=g) * 1.5
    if density < 1.0:
        x = x * (torch.rand(n, d, generator=g) < density)
    a = torch.randn(d, generator=g)
    y = ((x @ a + 0.3 * torch.randn(n, generator=g)) > 0).float()
    return x, y.reshape(n, 1)


def main():
    n, d, h, c, epochs = 200, 20, 16, 3, 5
    ce = {"name": "CrossEntropyLoss", "options": {}}
    bce = {"name": "BCEWithLogitsLoss", "options": {}}
    mlp = [lin(d, h), {"type": "relu"}, lin(h, c)]
    x, y = three_classes(3201, n, d)
    train_case("train_f32_mlp_ce_sgd", "float32 MLP 20-16-3 ReLU, CrossEntropyLoss, SGD momentum, batch 32, 5 epochs",
               3201, mlp, ce, {"name": "SGD", "options": {"lr": 0.1, "momentum": 0.9}}, 32, epochs, x, y, c)
    train_case("train_f32_mlp_ce_adam", "float32 MLP 20-16-3 ReLU, CrossEntropyLoss, Adam, batch 32, 5 epochs",
               3202, mlp, ce, {"name": "Adam", "options": {"lr": 0.01}}, 32, epochs, x, y, c)
    x, y = three_classes(3203, n, d)
    train_case("train_f32_gelu_tanh_ce_adam",
               "float32 MLP 20-16-8-3 with GELU (erf form) and Tanh, CrossEntropyLoss, Adam, batch 25, 5 epochs",
               3203, [lin(d, h), {"type": "gelu", "approximate": "none"}, lin(h, 8), {"type": "tanh"}, lin(8, c)], ce,
               {"name": "Adam", "options": {"lr": 0.01}}, 25, epochs, x, y, c)
    x, y = binary(3204, n, d)
    train_case("train_f32_logistic_bce_adam", "float32 logistic model Linear(20, 1), BCEWithLogitsLoss, Adam, batch 32",
               3204, [lin(d, 1)], bce, {"name": "Adam", "options": {"lr": 0.05}}, 32, epochs, x, y, 0)
    x, y = binary(3205, 300, 120, density=0.05)
    train_case("train_f32_sparse_logistic_bce_adam",
               "float32 logistic model Linear(120, 1) on 95% zero inputs (CSR-friendly), BCEWithLogitsLoss, Adam, batch 40",
               3205, [lin(120, 1)], bce, {"name": "Adam", "options": {"lr": 0.05}}, 40, epochs, x, y, 0)


if __name__ == "__main__":
    assert torch.__version__.startswith("1.13"), torch.__version__
    os.makedirs(OUT, exist_ok=True)
    main()
