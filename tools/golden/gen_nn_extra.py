#!/usr/bin/python3
"""Extra loss/clip golden cases from real PyTorch 1.13.1 (float64, CPU, single thread).

Writes loss_nn_*.json and clip_nn_*.json into src/test/resources/golden-extra/ in the schema of
src/test/resources/golden/README.md (kinds "loss" and "clip"). Deterministic: every case draws
from its own seeded generator, so re-running gives byte-identical files.

    /usr/bin/python3 tools/golden/gen_nn_extra.py [out_dir]
"""
import json
import math
import os
import sys

import torch

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "src", "test", "resources", "golden-extra")


def gen(seed):
    return torch.Generator().manual_seed(seed)


def randn(g, *shape, scale=1.0):
    return torch.randn(*shape, generator=g) * scale


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def dump(v):
    # Compact values, Python repr floats (shortest round-trip); JSON has no inf, callers avoid it.
    return json.dumps(v, separators=(",", ":"), allow_nan=False)


def write(case, dtype="float64", dumps=None):
    """One case file; dumps writes a field's value (default: dump)."""
    case["torch_version"] = "1.13.1"
    case["dtype"] = dtype
    body = ",\n".join(" %s: %s" % (json.dumps(k), (dumps or dump)(v)) for k, v in case.items())
    with open(os.path.join(OUT, case["id"] + ".json"), "w") as f:
        f.write("{\n" + body + "\n}\n")


# ---------------------------------------------------------------- losses

def loss_case(cid, desc, name, options, x, target, target_out):
    kwargs = {k: (torch.tensor(v, dtype=torch.float64) if isinstance(v, list) else v) for k, v in options.items()}
    fn = getattr(torch.nn, name)(**kwargs)
    x = x.clone().requires_grad_(True)
    loss = fn(x, target)
    loss.backward()
    write({
        "id": cid, "kind": "loss", "description": desc, "loss": name, "options": options,
        "input_shape": list(x.shape), "input": flat(x),
        "target_shape": list(target.shape), "target": target_out,
        "expected_loss": float(loss), "expected_grad": flat(x.grad),
    })


def ce(cid, desc, seed, n, c, options, scale=1.0, extreme=False):
    g = gen(seed)
    x = randn(g, n, c, scale=scale)
    if extreme:  # rows dominated by one huge logit, and a row of equal huge logits
        x[0, 0] = 60.0
        x[1, :] = -45.0
        x[2, c - 1] = -80.0
    t = torch.randint(0, c, (n,), generator=g)
    t[0] = 1 % c  # the row whose target is NOT the huge logit: large, exact loss term
    loss_case(cid, desc, "CrossEntropyLoss", options, x, t, [int(v) for v in t.tolist()])


def bce(cid, desc, seed, n, c, options, soft=False):
    g = gen(seed)
    x = randn(g, n, c, scale=3.0)
    # magnitudes 30..40 and beyond, both signs, with both target values
    ext = [35.0, -38.0, 40.0, -31.5, 120.0, -700.0]
    for k, v in enumerate(ext):
        x[k % n, (k * 2) % c] = v
    if soft:
        y = torch.rand(n, c, generator=g)
    else:
        y = (torch.rand(n, c, generator=g) < 0.5).to(torch.float64)
        y[0, 0], y[1, 2 % c] = 0.0, 1.0  # wrong side with a huge logit: loss ~ |x|
    loss_case(cid, desc, "BCEWithLogitsLoss", options, x, y, flat(y))


def mse(cid, desc, seed, n, c):
    g = gen(seed)
    x = randn(g, n, c, scale=2.0)
    y = randn(g, n, c)
    loss_case(cid, desc, "MSELoss", {}, x, y, flat(y))


def losses():
    w10 = [0.5, 1.0, 2.0, 0.25, 1.5, 3.0, 0.75, 1.25, 0.1, 2.5]
    ce("loss_nn_ce_weight_smoothing_c10", "CrossEntropyLoss, 10 classes, class weights and label_smoothing=0.15",
       101, 23, 10, {"weight": w10, "label_smoothing": 0.15})
    ce("loss_nn_ce_weight_smoothing_extreme", "CrossEntropyLoss, weights + label_smoothing=0.3, logits up to |80|",
       102, 9, 6, {"weight": [1.0, 0.2, 3.0, 0.0, 1.7, 0.9], "label_smoothing": 0.3}, scale=10.0, extreme=True)
    ce("loss_nn_ce_smoothing_full", "CrossEntropyLoss, label_smoothing=1.0 (uniform target)",
       103, 8, 5, {"label_smoothing": 1.0}, scale=2.0)
    ce("loss_nn_ce_weight_binary", "CrossEntropyLoss, 2 classes with weights, int weight values",
       104, 11, 2, {"weight": [3, 1]})
    ce("loss_nn_ce_large_logits", "CrossEntropyLoss, no options, logits up to |80| (log-sum-exp)",
       105, 7, 4, {}, scale=20.0, extreme=True)
    bce("loss_nn_bce_pos_weight_extreme", "BCEWithLogitsLoss, pos_weight, logits 30..700 in magnitude",
        201, 7, 5, {"pos_weight": [2.0, 0.5, 3.0, 1.0, 10.0]})
    bce("loss_nn_bce_weight_pos_weight", "BCEWithLogitsLoss, weight and pos_weight per column, extreme logits",
        202, 6, 4, {"weight": [0.5, 2.0, 1.0, 0.0], "pos_weight": [4.0, 0.25, 1.0, 2.0]})
    bce("loss_nn_bce_soft_targets", "BCEWithLogitsLoss, pos_weight, soft targets in [0,1)",
        203, 5, 3, {"pos_weight": [1.5, 0.7, 2.0]}, soft=True)
    mse("loss_nn_mse_multi", "MSELoss, 9 rows x 5 outputs", 301, 9, 5)
    mse("loss_nn_mse_single", "MSELoss, one output column", 302, 13, 1)


# ---------------------------------------------------------------- clipping

def params_with_grads(shapes, grads):
    """Zero parameters of these shapes whose .grad is the flat grads, split in order."""
    params = [torch.zeros(s, requires_grad=True) for s in shapes]
    off = 0
    for p in params:
        n = p.numel()
        p.grad = grads[off:off + n].clone().reshape(p.shape)
        off += n
    return params


def clip_norm(cid, desc, shapes, grads, max_norm, norm_type):
    params = params_with_grads(shapes, grads)
    total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type)
    coef = min(1.0, float(torch.clamp(max_norm / (total + 1e-6), max=1.0)))
    write({
        "id": cid, "kind": "clip", "description": desc, "method": "norm", "param_shapes": shapes,
        "grads": flat(grads), "max_norm": max_norm,
        "norm_type": "inf" if math.isinf(norm_type) else float(norm_type),
        "expected_total_norm": float(total), "expected_clip_coef": coef,
        "expected_grads": flat(torch.cat([p.grad.reshape(-1) for p in params])),
    })


def clip_value(cid, desc, shapes, grads, clip_value):
    params = params_with_grads(shapes, grads)
    torch.nn.utils.clip_grad_value_(params, clip_value)
    write({
        "id": cid, "kind": "clip", "description": desc, "method": "value", "param_shapes": shapes,
        "grads": flat(grads), "clip_value": clip_value,
        "expected_grads": flat(torch.cat([p.grad.reshape(-1) for p in params])),
    })


def size(shapes):
    return sum(math.prod(s) for s in shapes)


def clips():
    shapes = [[5, 4], [5], [3, 5], [3]]
    n = size(shapes)
    g = randn(gen(401), n, scale=2.0)
    clip_norm("clip_nn_norm_p0_5_clipped", "clip_grad_norm_(max_norm=50.0, norm_type=0.5)", shapes, g, 50.0, 0.5)
    clip_norm("clip_nn_norm_p0_5_unclipped", "clip_grad_norm_(max_norm=1e6, norm_type=0.5)", shapes, g, 1e6, 0.5)
    clip_norm("clip_nn_norm_p4_clipped", "clip_grad_norm_(max_norm=0.8, norm_type=4)", shapes, g, 0.8, 4.0)
    clip_norm("clip_nn_norm_p2_5_clipped", "clip_grad_norm_(max_norm=1.5, norm_type=2.5)", shapes, g, 1.5, 2.5)

    g0 = g.clone()
    g0[20:25] = 0.0            # the bias of layer 1 is all zero
    g0[size(shapes) - 3:] = 0.0  # and so is the last tensor
    clip_norm("clip_nn_norm_linf_zero_tensors", "clip_grad_norm_(max_norm=0.9, inf) with two all-zero tensors",
              shapes, g0, 0.9, math.inf)
    gl = torch.zeros(n)
    gl[n - 5] = -7.25          # the max-abs lives in a later tensor and is negative
    gl[3] = 2.0
    clip_norm("clip_nn_norm_linf_sparse", "clip_grad_norm_(max_norm=3.0, inf), max |g| negative in the third tensor",
              shapes, gl, 3.0, math.inf)
    clip_norm("clip_nn_norm_l2_all_zero", "clip_grad_norm_(max_norm=1.0) of an all-zero gradient (total norm 0)",
              shapes, torch.zeros(n), 1.0, 2.0)

    many = [[7], [1], [4, 3], [2, 2, 2], [11], [1, 1]]
    gm = randn(gen(402), size(many), scale=1e3)
    clip_norm("clip_nn_norm_l2_many_tensors", "clip_grad_norm_(max_norm=0.01) over six tensors, grads ~1e3",
              many, gm, 0.01, 2.0)
    clip_norm("clip_nn_norm_p4_many_tensors", "clip_grad_norm_(max_norm=100.0, norm_type=4) over six tensors",
              many, gm, 100.0, 4.0)
    clip_norm("clip_nn_norm_p0_5_int_max_norm", "clip_grad_norm_(max_norm=2, norm_type=0.5), int max_norm",
              [[2, 3], [4]], randn(gen(403), 10, scale=0.1), 2, 0.5)

    gv = randn(gen(404), n, scale=1.5)
    clip_value("clip_nn_value_mid", "clip_grad_value_(clip_value=1.0)", shapes, gv, 1.0)
    clip_value("clip_nn_value_tiny", "clip_grad_value_(clip_value=1e-3)", shapes, gv, 1e-3)
    clip_value("clip_nn_value_int", "clip_grad_value_(clip_value=2), int clip_value", shapes, gv, 2)


if __name__ == "__main__":
    assert torch.__version__.startswith("1.13"), torch.__version__
    os.makedirs(OUT, exist_ok=True)
    losses()
    clips()
