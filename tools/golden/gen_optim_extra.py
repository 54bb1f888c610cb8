#!/usr/bin/python3
"""Extra optimizer golden cases from real PyTorch 1.13 (float64, CPU, one thread).

Run with the system interpreter that has torch:  /usr/bin/python3 tools/golden/gen_optim_extra.py
Writes src/test/resources/golden-extra/<id>.json (+ index.json) in the schema of
src/test/resources/golden/README.md (kind "optimizer"), with one addition: an optional
"param_groups" list, each {"tensors": [indices into param_shapes], "options": {overrides}},
passed to PyTorch as [{"params": [...], **options}, ...]. Re-running gives identical files.
"""
import json
import math
import os
import sys

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "test", "resources", "golden-extra")
SWITCHES = ("foreach", "differentiable", "capturable", "fused")
SHAPES = [[3, 4], [3]]
SHAPES4 = [[4, 5], [4], [2, 4], [2]]


def numel(shape):
    return math.prod(shape)


def make_grads(gen, size, steps):
    """Random rows with the same hazards as the shared cases: big, tiny and all-zero rows."""
    rows = []
    for i in range(steps):
        g = torch.randn(size, generator=gen)
        if i == 3:
            g = g * 10.0
        elif i == steps // 2 - 1:
            g = torch.zeros(size)
        elif i == steps // 2 + 2:
            g = g * 100.0
        elif i == steps - 5:
            g = g * 1e-3
        rows.append(g)
    return rows


def run_case(cid, optimizer, options, shapes=SHAPES, steps=20, seed=0, lr_changes=None, param_groups=None):
    gen = torch.Generator().manual_seed(seed)
    size = sum(numel(s) for s in shapes)
    params0 = torch.randn(size, generator=gen)
    grads = make_grads(gen, size, steps)
    tensors = [t.clone().reshape(s) for t, s in zip(torch.split(params0, [numel(s) for s in shapes]), shapes)]
    for t in tensors:
        t.requires_grad_(True)
    if param_groups:
        spec = [dict({"params": [tensors[k] for k in pg["tensors"]]}, **pg["options"]) for pg in param_groups]
    else:
        spec = tensors
    opt = getattr(torch.optim, optimizer)(spec, **options)
    changes = {ch["before_step"]: ch["lr"] for ch in (lr_changes or [])}
    if changes and param_groups:
        raise ValueError("lr_changes with several param groups is not part of the schema")
    expected, lr_per_step = [], []
    for i in range(steps):
        if i in changes:
            opt.param_groups[0]["lr"] = changes[i]
        for t, g in zip(tensors, torch.split(grads[i], [numel(s) for s in shapes])):
            t.grad = g.clone().reshape(t.shape)
        opt.step()
        lr_per_step.append(opt.param_groups[0]["lr"])
        with torch.no_grad():
            expected.append(torch.cat([t.detach().reshape(-1) for t in tensors]).tolist())
    resolved = {k: (list(v) if isinstance(v, tuple) else v) for k, v in opt.defaults.items() if k not in SWITCHES}
    c = {
        "id": cid,
        "kind": "optimizer",
        "description": "%s with %s%s; gradients fed directly via p.grad" % (
            optimizer, compact(options), "; param groups " + compact(param_groups) if param_groups else ""),
        "optimizer": optimizer,
        "options": options,
        "resolved_options": resolved,
        "param_shapes": shapes,
        "steps": steps,
        "params0": params0.tolist(),
    }
    if param_groups:
        c["param_groups"] = param_groups
    if lr_changes:
        c["lr_changes"] = lr_changes
    c["lr_per_step"] = lr_per_step
    c["grads"] = [g.tolist() for g in grads]
    c["expected"] = expected
    c["torch_version"] = "1.13.1"
    c["dtype"] = "float64"
    return c


def compact(o):
    return json.dumps(o, separators=(",", ":"))


def dump(c):
    lines = []
    for k, v in c.items():
        if isinstance(v, list) and v and isinstance(v[0], list):
            body = "[\n" + ",\n".join("  " + compact(r) for r in v) + "\n ]"
        else:
            body = compact(v)
        lines.append(" " + json.dumps(k) + ": " + body)
    return "{\n" + ",\n".join(lines) + "\n}\n"


CASES = [
    # SGD
    ("sgd_dampening_wd_maximize", "SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01, maximize=True), {}),
    ("sgd_nesterov_wd_maximize", "SGD", dict(lr=0.03, momentum=0.8, nesterov=True, weight_decay=0.05, maximize=True),
     dict(lr_changes=[{"before_step": 7, "lr": 0.01}])),
    ("sgd_two_groups", "SGD", dict(lr=0.05, momentum=0.9, weight_decay=0.01),
     dict(shapes=SHAPES4, param_groups=[{"tensors": [0, 1], "options": {}},
                                        {"tensors": [2, 3], "options": {"lr": 0.2, "weight_decay": 0, "momentum": 0.5}}])),
    # Adam / AdamW
    ("adam_maximize_wd", "Adam", dict(lr=0.02, weight_decay=0.05, maximize=True), dict(seed=1)),
    ("adam_amsgrad_maximize_wd", "Adam", dict(lr=0.02, betas=[0.8, 0.99], weight_decay=0.05, amsgrad=True, maximize=True),
     dict(seed=2, lr_changes=[{"before_step": 5, "lr": 0.05}, {"before_step": 12, "lr": 0.004}])),
    ("adam_two_groups_interleaved", "Adam", dict(lr=0.01, weight_decay=0.1, amsgrad=True),
     dict(shapes=SHAPES4, seed=3, param_groups=[{"tensors": [0, 2], "options": {}},
                                                 {"tensors": [1, 3], "options": {"lr": 0.05, "weight_decay": 0, "betas": [0.5, 0.9]}}])),
    ("adamw_maximize", "AdamW", dict(lr=0.02, maximize=True), dict(seed=4)),
    ("adamw_amsgrad_maximize_wd", "AdamW", dict(lr=0.02, betas=[0.85, 0.995], weight_decay=0.2, amsgrad=True, maximize=True),
     dict(seed=5, lr_changes=[{"before_step": 6, "lr": 0.006}, {"before_step": 14, "lr": 0.03}])),
    ("adamw_two_groups", "AdamW", dict(lr=0.01, weight_decay=0.1),
     dict(shapes=SHAPES4, seed=6, param_groups=[{"tensors": [0, 1], "options": {}},
                                                 {"tensors": [2, 3], "options": {"lr": 0.03, "weight_decay": 0}}])),
    # RMSprop
    ("rmsprop_centered_momentum_wd", "RMSprop", dict(lr=0.005, alpha=0.9, eps=1e-6, weight_decay=0.02, momentum=0.6, centered=True), dict(seed=7)),
    ("rmsprop_centered_momentum_wd_maximize", "RMSprop",
     dict(lr=0.005, weight_decay=0.02, momentum=0.3, centered=True, maximize=True),
     dict(seed=8, lr_changes=[{"before_step": 9, "lr": 0.002}])),
    ("rmsprop_wd_maximize", "RMSprop", dict(lr=0.01, weight_decay=0.05, maximize=True), dict(seed=9)),
    # Adagrad
    ("adagrad_lr_decay_wd", "Adagrad", dict(lr=0.2, lr_decay=0.05, weight_decay=0.03), dict(seed=10)),
    ("adagrad_maximize_wd_initial", "Adagrad",
     dict(lr=0.1, lr_decay=0.01, weight_decay=0.02, initial_accumulator_value=0.5, eps=1e-8, maximize=True),
     dict(seed=11, lr_changes=[{"before_step": 10, "lr": 0.03}])),
    # Adadelta
    ("adadelta_wd", "Adadelta", dict(weight_decay=0.05), dict(seed=12)),
    ("adadelta_rho_wd_maximize", "Adadelta", dict(lr=0.5, rho=0.8, eps=1e-5, weight_decay=0.05, maximize=True),
     dict(seed=13, lr_changes=[{"before_step": 8, "lr": 2.0}])),
    # Adamax
    ("adamax_wd", "Adamax", dict(lr=0.01, weight_decay=0.05), dict(seed=14)),
    ("adamax_betas_wd_maximize", "Adamax", dict(lr=0.01, betas=[0.7, 0.95], eps=1e-6, weight_decay=0.05, maximize=True),
     dict(seed=15, lr_changes=[{"before_step": 5, "lr": 0.002}])),
    # RAdam (no maximize in 1.13); long enough to cross rho_t > 5
    ("radam_wd", "RAdam", dict(lr=0.01, weight_decay=0.05), dict(seed=16, steps=30)),
    ("radam_betas_wd_lr_change", "RAdam", dict(lr=0.02, betas=[0.8, 0.95], eps=1e-6, weight_decay=0.02),
     dict(seed=17, steps=30, lr_changes=[{"before_step": 4, "lr": 0.05}, {"before_step": 20, "lr": 0.01}])),
    ("radam_two_groups", "RAdam", dict(lr=0.01, weight_decay=0.05),
     dict(shapes=SHAPES4, seed=18, steps=30, param_groups=[{"tensors": [0, 1], "options": {"betas": [0.9, 0.9]}},
                                                             {"tensors": [2, 3], "options": {"lr": 0.002, "weight_decay": 0}}])),
    # NAdam: the corrected formula is 1.13's foreach path (no maximize in 1.13)
    ("nadam_foreach_wd_momentum_decay", "NAdam", dict(lr=0.01, betas=[0.85, 0.99], weight_decay=0.05, momentum_decay=0.01, foreach=True),
     dict(seed=19)),
    ("nadam_foreach_wd_lr_change", "NAdam", dict(lr=0.02, weight_decay=0.1, foreach=True),
     dict(seed=20, steps=30, lr_changes=[{"before_step": 7, "lr": 0.005}, {"before_step": 18, "lr": 0.03}])),
    ("adagrad_two_groups", "Adagrad", dict(lr=0.1, weight_decay=0.02),
     dict(shapes=SHAPES4, seed=21, param_groups=[{"tensors": [1, 2], "options": {"lr_decay": 0.1, "initial_accumulator_value": 0.2}},
                                                 {"tensors": [0, 3], "options": {"weight_decay": 0}}])),
]


def main():
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    os.makedirs(OUT, exist_ok=True)
    index = []
    for cid, name, options, extra in CASES:
        c = run_case(cid, name, options, **extra)
        with open(os.path.join(OUT, cid + ".json"), "w") as f:
            f.write(dump(c))
        index.append({"id": cid, "kind": "optimizer", "file": cid + ".json"})
    with open(os.path.join(OUT, "index.json"), "w") as f:
        f.write("{\n \"torch_version\": \"1.13.1\",\n \"dtype\": \"float64\",\n \"cases\": " + compact(index) + "\n}\n")
    print("wrote %d cases to %s (torch %s)" % (len(index), os.path.normpath(OUT), torch.__version__), file=sys.stderr)


if __name__ == "__main__":
    main()
