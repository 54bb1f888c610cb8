#!/usr/bin/python3
"""Golden cases for the losses of issue 15 from real PyTorch 1.13.1 (float64, CPU, single thread).

Writes into src/test/resources/golden-extra/, in the schema of src/test/resources/golden/README.md:

* loss_x_*.json  (kind "loss"): L1Loss, SmoothL1Loss(beta), HuberLoss(delta), NLLLoss(weight,
  ignore_index), CrossEntropyLoss with ignore_index (with weight and label_smoothing), and
  reduction='sum' for every loss; the value and the autograd gradient of the input.
* train_loss_*.json (kind "train"): a short run per new loss or option. Regression cases hold
  real `y`; classification cases may hold labels equal to ignore_index (always given explicitly
  in the train cases: sparktrain's loader accepts such labels only when the option is set). With reduction='sum' the
  batch loss is the plain sum and `epoch_loss` is still sum(batch loss * batch size) / n, as the
  README defines it. The NLLLoss case ends its model with {"type":"log_softmax"}.

params0 is sparktrain's Sequential.initParams(init_seed) (as in gen_train_weighted.py), so the
Spark ML estimators replay a case from its seed. Deterministic: every case draws from its own
seeded generator, so re-running gives byte-identical files.

    /usr/bin/python3 tools/golden/gen_train_losses.py [out_dir]
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_nn_extra import OUT, flat, gen, loss_case, randn, write  # noqa: E402  (float64, one thread)
from gen_train_weighted import build, flat_params, sparktrain_init, train_loop  # noqa: E402

IGNORE = -100


# ---------------------------------------------------------------- loss cases

def regression(cid, desc, name, options, seed, n, c, ties=False):
    g = gen(seed)
    x = randn(g, n, c, scale=2.0)
    y = randn(g, n, c, scale=2.0)
    if ties:  # x == y exactly: L1's gradient there is sign(0) = 0
        y[0, :] = x[0, :]
        y[2, 1 % c] = x[2, 1 % c]
    loss_case(cid, desc, name, options, x, y, flat(y))


def with_ignored(t, rows, index):
    t = t.clone()
    t[rows] = index
    return t


def classes(cid, desc, name, options, seed, n, c, ignored_rows, index=IGNORE, scale=1.5):
    g = gen(seed)
    x = randn(g, n, c, scale=scale)
    if name == "NLLLoss":
        x = torch.log_softmax(x, dim=1)
    t = with_ignored(torch.randint(0, c, (n,), generator=g), ignored_rows, index)
    loss_case(cid, desc, name, options, x, t, [int(v) for v in t.tolist()])


def loss_cases():
    regression("loss_x_l1_ties", "L1Loss mean, with exact ties (gradient sign(0) = 0)", "L1Loss", {}, 301, 5, 3,
               ties=True)
    regression("loss_x_l1_sum", "L1Loss reduction=sum", "L1Loss", {"reduction": "sum"}, 302, 6, 2)
    regression("loss_x_smooth_l1_default", "SmoothL1Loss beta=1 (both sides of beta)", "SmoothL1Loss", {}, 303, 7, 3)
    regression("loss_x_smooth_l1_beta_sum", "SmoothL1Loss beta=0.4 reduction=sum", "SmoothL1Loss",
               {"beta": 0.4, "reduction": "sum"}, 304, 6, 3)
    regression("loss_x_smooth_l1_beta0", "SmoothL1Loss beta=0 (PyTorch switches to L1Loss), with ties",
               "SmoothL1Loss", {"beta": 0.0}, 305, 5, 2, ties=True)
    regression("loss_x_huber_default", "HuberLoss delta=1", "HuberLoss", {}, 306, 7, 3)
    regression("loss_x_huber_delta_sum", "HuberLoss delta=2.5 reduction=sum", "HuberLoss",
               {"delta": 2.5, "reduction": "sum"}, 307, 6, 2)
    regression("loss_x_mse_sum", "MSELoss reduction=sum", "MSELoss", {"reduction": "sum"}, 308, 5, 3)

    classes("loss_x_nll_plain", "NLLLoss on log_softmax outputs", "NLLLoss", {}, 311, 7, 4, [])
    classes("loss_x_nll_weight_ignore", "NLLLoss weight, rows with ignore_index -100", "NLLLoss",
            {"weight": [0.5, 2.0, 1.0, 3.0]}, 312, 9, 4, [1, 4, 5])
    classes("loss_x_nll_ignore_in_range_sum", "NLLLoss ignore_index=2 (a real class), reduction=sum", "NLLLoss",
            {"ignore_index": 2, "reduction": "sum"}, 313, 8, 3, [0, 6], index=2)
    classes("loss_x_ce_ignore", "CrossEntropyLoss, rows with ignore_index -100", "CrossEntropyLoss", {},
            321, 8, 3, [2, 3])
    classes("loss_x_ce_ignore_weight_smoothing", "CrossEntropyLoss weight + label_smoothing + ignore_index -100 "
            "(the smoothing term of ignored rows is masked too, normalizer = sum of kept targets' weights)",
            "CrossEntropyLoss", {"weight": [1.0, 0.25, 2.0, 1.5], "label_smoothing": 0.2}, 322, 10, 4, [0, 5, 9])
    classes("loss_x_ce_ignore_custom_smoothing_sum", "CrossEntropyLoss ignore_index=-1, label_smoothing, "
            "reduction=sum", "CrossEntropyLoss", {"ignore_index": -1, "label_smoothing": 0.1, "reduction": "sum"},
            323, 7, 3, [3], index=-1)
    classes("loss_x_ce_weight_sum", "CrossEntropyLoss weight reduction=sum", "CrossEntropyLoss",
            {"weight": [2.0, 0.5, 1.0], "reduction": "sum"}, 324, 6, 3, [])

    g = gen(331)
    x = randn(g, 6, 3, scale=3.0)
    y = (torch.rand(6, 3, generator=g) > 0.5).double()
    loss_case("loss_x_bce_pos_weight_sum", "BCEWithLogitsLoss pos_weight + weight, reduction=sum",
              "BCEWithLogitsLoss", {"pos_weight": [3.0, 0.5, 1.0], "weight": [1.0, 2.0, 0.25], "reduction": "sum"},
              x, y, flat(y))


# ---------------------------------------------------------------- train cases

def model_of(layers):
    """gen_train_weighted's build plus the layers it does not know (each Linear keeps its init order)."""
    mods = []
    for l in layers:
        mods.append(torch.nn.LogSoftmax(dim=1) if l["type"] == "log_softmax" else build([l])[0])
    return torch.nn.Sequential(*mods)


def loss_fn(loss):
    kw = {k: (torch.tensor(v) if isinstance(v, list) else v) for k, v in loss["options"].items()}
    return getattr(torch.nn, loss["name"])(**kw)


def train_case(cid, desc, seed, layers, loss, optimizer, batch, epochs, x, y, regression):
    n = x.shape[0]
    model = model_of(layers)
    sparktrain_init(model, seed)
    params0 = flat_params(model).clone()
    opt = getattr(torch.optim, optimizer["name"])(model.parameters(), **optimizer["options"])
    fn = loss_fn(loss)
    target = y[:, None] if regression and y.dim() == 1 else y   # n values: one output per row, no broadcasting

    def batch_loss(lo, hi):
        l = fn(model(x[lo:hi]), target[lo:hi])
        assert torch.isfinite(l), cid + ": a batch whose every label is ignored (0/0)"
        return l

    batches, epoch_loss, epoch_lr, _, per_epoch = train_loop(model, opt, batch_loss, n, batch, epochs)
    per_epoch = [flat(p) for p in per_epoch]
    write({
        "id": cid, "kind": "train", "description": desc, "dataset": "synthetic", "init_seed": seed,
        "model": layers, "loss": loss, "optimizer": optimizer, "scheduler": None, "clip": None,
        "batch_size": batch, "epochs": epochs, "n": n, "features": x.shape[1],
        "classes": 0 if regression else layers[-2 if layers[-1]["type"] == "log_softmax" else -1]["out"],
        "batches_per_epoch": batches, "x": x.tolist(), "y": y.tolist(),
        "params0": flat(params0), "epoch_loss": epoch_loss, "epoch_lr": epoch_lr,
        "final_lr": opt.param_groups[0]["lr"], "params_per_epoch": per_epoch,
    })


def mlp(d, h, out, act="relu"):
    return [{"type": "linear", "in": d, "out": h}, {"type": act}, {"type": "linear", "in": h, "out": out}]


def regression_data(seed, n, d, k, outlier_rows):
    """A smooth target with noise and a few large outliers (where L1/Huber differ from MSE)."""
    g = gen(seed)
    x = torch.randn(n, d, generator=g)
    a = torch.randn(d, k, generator=g)
    y = torch.tanh(x @ a) + 0.1 * torch.randn(n, k, generator=g)
    y[outlier_rows] += 4.0
    return x, y


def class_data(seed, n, d, c, ignored_rows, index):
    g = gen(seed)
    x = torch.randn(n, d, generator=g)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).long() + (x[:, 2] > 0.7).long()
    if c > 3:
        y = y + (x[:, 3] > 1.0).long()
    return x, with_ignored(y, ignored_rows, index)


def train_cases():
    x, y = regression_data(401, 40, 4, 2, [5, 22])
    train_case("train_loss_l1_mlp_adam", "MLP 4-6-2 regression, L1Loss, Adam, batch 8", 41, mlp(4, 6, 2),
               {"name": "L1Loss", "options": {}}, {"name": "Adam", "options": {"lr": 0.02}}, 8, 4, x, y, True)
    x, y = regression_data(402, 37, 5, 1, [3, 30])
    train_case("train_loss_smooth_l1_beta_sgd",
               "MLP 5-4-1 tanh regression (y as n values), SmoothL1Loss beta=0.5, SGD momentum, batch 9", 42,
               mlp(5, 4, 1, "tanh"), {"name": "SmoothL1Loss", "options": {"beta": 0.5}},
               {"name": "SGD", "options": {"lr": 0.1, "momentum": 0.9}}, 9, 3, x, y[:, 0], True)
    x, y = regression_data(403, 41, 4, 2, [0, 17, 33])
    train_case("train_loss_huber_delta_adamw", "MLP 4-5-2 regression, HuberLoss delta=0.7, AdamW, batch 10", 43,
               mlp(4, 5, 2), {"name": "HuberLoss", "options": {"delta": 0.7}},
               {"name": "AdamW", "options": {"lr": 0.03, "weight_decay": 0.02}}, 10, 4, x, y, True)
    x, y = regression_data(404, 30, 3, 1, [])
    train_case("train_loss_mse_sum_sgd", "linear 3-1 regression, MSELoss reduction=sum (gradient not divided), SGD, "
               "batch 8", 44, [{"type": "linear", "in": 3, "out": 1}], {"name": "MSELoss", "options": {"reduction": "sum"}},
               {"name": "SGD", "options": {"lr": 0.005}}, 8, 3, x, y, True)

    x, y = class_data(411, 45, 4, 3, [2, 9, 10, 26, 40], IGNORE)
    train_case("train_loss_ce_ignore_weight_smoothing_adam",
               "MLP 4-8-3, CrossEntropyLoss weight + label_smoothing, labels -100 ignored, Adam, batch 8", 45,
               mlp(4, 8, 3), {"name": "CrossEntropyLoss",
                            "options": {"weight": [1.0, 2.0, 0.5], "label_smoothing": 0.1, "ignore_index": IGNORE}},
               {"name": "Adam", "options": {"lr": 0.02}}, 8, 4, x, y, False)
    x, y = class_data(412, 36, 4, 3, [4, 20], -1)
    train_case("train_loss_ce_sum_ignore_sgd",
               "MLP 4-5-3 tanh, CrossEntropyLoss reduction=sum, ignore_index=-1, SGD, batch 7", 46,
               mlp(4, 5, 3, "tanh"), {"name": "CrossEntropyLoss", "options": {"reduction": "sum", "ignore_index": -1}},
               {"name": "SGD", "options": {"lr": 0.02}}, 7, 3, x, y, False)
    g = gen(413)
    x = torch.randn(40, 4, generator=g)
    y = torch.stack([(x[:, 0] > 0.8), (x[:, 1] + x[:, 2] > 0)], dim=1).double()
    train_case("train_loss_bce_pos_weight_adam", "MLP 4-6-2 multi-label, BCEWithLogitsLoss pos_weight, Adam, batch 8",
               47, mlp(4, 6, 2), {"name": "BCEWithLogitsLoss", "options": {"pos_weight": [3.0, 0.8]}},
               {"name": "Adam", "options": {"lr": 0.02}}, 8, 4, x, y, False)
    x, y = class_data(414, 44, 4, 4, [1, 15, 30], IGNORE)
    train_case("train_loss_nll_log_softmax_adam",
               "MLP 4-8-4 + log_softmax, NLLLoss weight, labels -100 ignored, Adam, batch 11", 48,
               mlp(4, 8, 4) + [{"type": "log_softmax"}],
               {"name": "NLLLoss", "options": {"weight": [1.0, 0.5, 2.0, 1.5], "ignore_index": IGNORE}},
               {"name": "Adam", "options": {"lr": 0.02}}, 11, 3, x, y, False)


if __name__ == "__main__":
    assert torch.__version__.startswith("1.13"), torch.__version__
    os.makedirs(OUT, exist_ok=True)
    loss_cases()
    train_cases()
