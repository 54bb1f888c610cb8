#!/usr/bin/python3
"""Layer golden cases from real PyTorch 1.13.1 (float64, CPU, single thread).

Writes layer_*.json into src/test/resources/golden-extra/: kind "layer" (see the README there):
one layer, given by the JSON layer object of a train case's "model", applied to an input batch,
with its parameters, output, and the gradients of sum(output * grad_output) with respect to the
input and the parameters. Deterministic: every case draws from its own seeded generator.

    /usr/bin/python3 tools/golden/gen_layers.py [out_dir]
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_nn_extra import OUT, flat, gen, write  # noqa: E402  (float64, one thread; the same JSON layout)

# JSON layer object -> torch module (the extension table of src/test/resources/golden/README.md)
MODULES = {
    "linear": lambda l: torch.nn.Linear(l["in"], l["out"], bias=l.get("bias", True)),
    "relu": lambda l: torch.nn.ReLU(),
    "tanh": lambda l: torch.nn.Tanh(),
    "sigmoid": lambda l: torch.nn.Sigmoid(),
    "silu": lambda l: torch.nn.SiLU(),
    "mish": lambda l: torch.nn.Mish(),
    "hardswish": lambda l: torch.nn.Hardswish(),
    "identity": lambda l: torch.nn.Identity(),
    "gelu": lambda l: torch.nn.GELU(approximate=l["approximate"]),
    "leaky_relu": lambda l: torch.nn.LeakyReLU(l["negative_slope"]),
    "elu": lambda l: torch.nn.ELU(l["alpha"]),
    "softplus": lambda l: torch.nn.Softplus(l["beta"], l["threshold"]),
    "layer_norm": lambda l: torch.nn.LayerNorm(l["normalized_shape"], l["eps"], l["elementwise_affine"]),
    "dropout": lambda l: torch.nn.Dropout(l["p"]),
    "log_softmax": lambda l: torch.nn.LogSoftmax(dim=1),
}


def build(layers):
    """The torch model of a case's JSON "model"."""
    return torch.nn.Sequential(*[MODULES[l["type"]](l) for l in layers])


def layer_case(cid, desc, seed, layer, n, d, scale=1.0, special=()):
    g = gen(seed)
    m = build([layer])
    with torch.no_grad():
        for p in m.parameters():  # not PyTorch's init: random values, so every parameter's gradient shows
            p.copy_(torch.randn(p.shape, generator=g) * 0.5 + (1.0 if p is m[0].weight and layer["type"] == "layer_norm" else 0.0))
    x = torch.randn(n, d, generator=g) * scale
    flat_x = x.reshape(-1)
    for i, v in enumerate(special):  # values on a branch point (0, ±3, a threshold)
        flat_x[i] = v
    x = x.clone().requires_grad_(True)
    dy = torch.randn(n, d if layer["type"] != "linear" else layer["out"], generator=g)
    y = m(x)
    (y * dy).sum().backward()
    params = list(m.parameters())
    write({
        "id": cid, "kind": "layer", "description": desc, "layer": layer, "n": n, "features": d,
        "input": flat(x), "params": flat(torch.cat([p.reshape(-1) for p in params])) if params else [],
        "output": flat(y), "grad_output": flat(dy), "grad_input": flat(x.grad),
        "grad_params": flat(torch.cat([p.grad.reshape(-1) for p in params])) if params else [],
    })


def main():
    n, d = 6, 5
    layer_case("layer_gelu_none", "GELU (erf form) over [-4, 4]", 2101, {"type": "gelu", "approximate": "none"}, n, d, 2.0,
               [0.0, -0.0, 3.5, -3.5, 8.0, -8.0, 1e-9])
    layer_case("layer_gelu_tanh", "GELU (tanh form)", 2102, {"type": "gelu", "approximate": "tanh"}, n, d, 2.0, [0.0, 6.0, -6.0])
    layer_case("layer_silu", "SiLU", 2103, {"type": "silu"}, n, d, 3.0, [0.0, 40.0, -40.0])
    layer_case("layer_leaky_relu", "LeakyReLU(0.1), 0 takes the slope", 2104, {"type": "leaky_relu", "negative_slope": 0.1},
               n, d, 1.0, [0.0, -0.0])
    layer_case("layer_elu", "ELU(0.7) with 0 and tiny negatives (exp - 1, not expm1)", 2105, {"type": "elu", "alpha": 0.7},
               n, d, 2.0, [0.0, -1e-10, -20.0])
    layer_case("layer_softplus", "Softplus(beta=2, threshold=1.5): linear where beta*x > threshold, x*beta at the threshold",
               2106, {"type": "softplus", "beta": 2.0, "threshold": 1.5}, n, d, 1.5, [0.75, 0.7500000000000001, -30.0])
    layer_case("layer_softplus_default", "Softplus(1, 20)", 2107, {"type": "softplus", "beta": 1.0, "threshold": 20.0},
               n, d, 8.0, [20.0, 20.000000000000004, 1e-20])
    layer_case("layer_mish", "Mish", 2108, {"type": "mish"}, n, d, 3.0, [0.0, 30.0, -30.0])
    layer_case("layer_hardswish", "Hardswish with inputs at -3 and 3 (gradient -1/2 and 3/2)", 2109, {"type": "hardswish"},
               n, d, 3.0, [-3.0, 3.0, 0.0, -3.0000000000000004, 3.0000000000000004])
    layer_case("layer_sigmoid", "Sigmoid", 2110, {"type": "sigmoid"}, n, d, 3.0)
    layer_case("layer_identity", "Identity", 2111, {"type": "identity"}, n, d)
    layer_case("layer_layer_norm_affine", "LayerNorm(5) with weight and bias", 2112,
               {"type": "layer_norm", "normalized_shape": d, "eps": 1e-5, "elementwise_affine": True}, n, d, 3.0)
    layer_case("layer_layer_norm_plain", "LayerNorm(5, eps=0.1, elementwise_affine=False), a constant row", 2113,
               {"type": "layer_norm", "normalized_shape": d, "eps": 0.1, "elementwise_affine": False}, n, d, 2.0,
               [1.5, 1.5, 1.5, 1.5, 1.5])
    layer_case("layer_log_softmax", "LogSoftmax(dim=1) with large logits", 2114, {"type": "log_softmax"}, n, d, 30.0)
    layer_case("layer_dropout_p0", "Dropout(0.0): the identity", 2115, {"type": "dropout", "p": 0.0}, n, d)
    layer_case("layer_linear_no_bias", "Linear(5, 3, bias=False)", 2116, {"type": "linear", "in": d, "out": 3, "bias": False},
               n, d)


if __name__ == "__main__":
    assert torch.__version__.startswith("1.13"), torch.__version__
    os.makedirs(OUT, exist_ok=True)
    main()
