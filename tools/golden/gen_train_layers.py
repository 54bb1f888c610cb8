#!/usr/bin/python3
"""Training golden cases for every layer beyond Linear/ReLU/Tanh, from real PyTorch 1.13.1
(float64, CPU, single thread).

Writes train_l_*.json into src/test/resources/golden-extra/: kind "train" of
src/test/resources/golden/README.md with the layer objects of its "Extension: more layers"
section, PyTorch's own loss reduction (no sample weights). params0 is sparktrain's
Sequential.initParams(init_seed) (Linear: java.util.Random draws, with or without bias;
LayerNorm: ones and zeros, PyTorch's init). Deterministic: re-running gives byte-identical files.

    /usr/bin/python3 tools/golden/gen_train_layers.py [out_dir]
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_nn_extra import OUT  # noqa: E402  (float64, one thread)
from gen_train_weighted import train_case  # noqa: E402  (the same loop and JSON layout)
from gen_layers import build  # noqa: E402  (JSON layer objects -> torch modules)


def lin(i, o, bias=True):
    return {"type": "linear", "in": i, "out": o} if bias else {"type": "linear", "in": i, "out": o, "bias": False}


def classification(seed, n, d):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g) * 2
    y = (x[:, 0] - 0.5 * x[:, 1] > 0).long() + (x[:, 2] > 1.0).long()
    return x, y


def regression(seed, n, d, k):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g) * 2
    a = torch.randn(d, k, generator=g)
    return x, torch.tanh(x @ a) + 0.1 * torch.randn(n, k, generator=g)


def ce(layers, cid, desc, seed, optimizer, batch=9, epochs=3, n=40, d=4):
    x, y = classification(seed, n, d)
    train_case(cid, desc, seed, layers, {"name": "CrossEntropyLoss", "options": {}}, optimizer, n, batch, epochs,
               x, y, None, False, make=build)


def main():
    d, h, c = 4, 7, 3
    adam = {"name": "Adam", "options": {"lr": 0.05}}
    sgd = {"name": "SGD", "options": {"lr": 0.2, "momentum": 0.9}}
    ce([lin(d, h), {"type": "gelu", "approximate": "none"}, lin(h, c)], "train_l_gelu_none_adam",
       "MLP 4-7-3 with GELU (erf form), CrossEntropyLoss, Adam, batch 9", 31, adam)
    ce([lin(d, h), {"type": "gelu", "approximate": "tanh"}, lin(h, c)], "train_l_gelu_tanh_sgd",
       "MLP 4-7-3 with GELU(approximate='tanh'), CrossEntropyLoss, SGD momentum, batch 9", 32, sgd)
    ce([lin(d, h), {"type": "silu"}, lin(h, c)], "train_l_silu_adam", "MLP 4-7-3 with SiLU, Adam", 33, adam)
    ce([lin(d, h), {"type": "leaky_relu", "negative_slope": 0.1}, lin(h, c)], "train_l_leaky_relu_sgd",
       "MLP 4-7-3 with LeakyReLU(0.1), SGD momentum", 34, sgd)
    ce([lin(d, h), {"type": "elu", "alpha": 0.7}, lin(h, c)], "train_l_elu_adam", "MLP 4-7-3 with ELU(0.7), Adam", 35, adam)
    ce([lin(d, h), {"type": "softplus", "beta": 2.0, "threshold": 1.5}, lin(h, c)], "train_l_softplus_adam",
       "MLP 4-7-3 with Softplus(beta=2, threshold=1.5) (both branches taken), Adam", 36, adam)
    ce([lin(d, h), {"type": "mish"}, lin(h, c)], "train_l_mish_sgd", "MLP 4-7-3 with Mish, SGD momentum", 37, sgd)
    ce([lin(d, h), {"type": "hardswish"}, lin(h, c)], "train_l_hardswish_adam",
       "MLP 4-7-3 with Hardswish (inputs reach beyond -3 and 3), Adam", 38, {"name": "Adam", "options": {"lr": 0.1}})
    ce([lin(d, h), {"type": "layer_norm", "normalized_shape": h, "eps": 1e-5, "elementwise_affine": True}, {"type": "relu"},
        lin(h, c)], "train_l_layer_norm_affine_adamw",
       "MLP 4-7-3 with LayerNorm(7) (weight and bias) before ReLU, AdamW", 39,
       {"name": "AdamW", "options": {"lr": 0.05, "weight_decay": 0.1}})
    ce([lin(d, h), {"type": "tanh"}, {"type": "layer_norm", "normalized_shape": h, "eps": 0.01, "elementwise_affine": False},
        lin(h, c)], "train_l_layer_norm_plain_sgd",
       "MLP 4-7-3 with Tanh then LayerNorm(7, eps=0.01, elementwise_affine=False), SGD momentum", 40, sgd)
    ce([lin(d, h), {"type": "sigmoid"}, {"type": "identity"}, {"type": "dropout", "p": 0.0}, lin(h, c)],
       "train_l_sigmoid_identity_dropout0_adam", "MLP 4-7-3 with Sigmoid, Identity and Dropout(0.0), Adam", 41, adam)
    ce([lin(d, h, False), {"type": "tanh"}, lin(h, c, False), {"type": "log_softmax"}],
       "train_l_no_bias_log_softmax_sgd",
       "MLP 4-7-3 of Linear(bias=False) layers, LogSoftmax then CrossEntropyLoss, SGD momentum", 42, sgd)

    x, y = regression(43, 37, d, 2)
    train_case("train_l_elu_softplus_mse_adam",
               "MLP 4-6-2 regression with ELU(1.0) and Softplus(1, 20), MSELoss, Adam, batch 8", 43,
               [lin(d, 6), {"type": "elu", "alpha": 1.0}, lin(6, 6), {"type": "softplus", "beta": 1.0, "threshold": 20.0},
                lin(6, 2)], {"name": "MSELoss", "options": {}}, adam, 37, 8, 3, x, y, None, True, make=build)


if __name__ == "__main__":
    assert torch.__version__.startswith("1.13"), torch.__version__
    os.makedirs(OUT, exist_ok=True)
    main()
