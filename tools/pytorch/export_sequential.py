#!/usr/bin/env python3
"""Turns a PyTorch nn.Sequential into a sparktrain model: the layer string and its weights.

    python3 tools/pytorch/export_sequential.py my_model.py weights.safetensors [--attr model] [--dtype float32]

my_model.py defines `model` (an nn.Sequential of the layers sequential_io.LAYERS lists: Linear,
ReLU, Tanh, Sigmoid, Dropout, GELU, SiLU, LeakyReLU, ELU, Softplus, Mish, Hardswish, LayerNorm,
LogSoftmax, Identity), maybe
pre-trained. The weights go to weights.safetensors with the state_dict's keys and shapes
(float64 unless --dtype float32), and the two lines to paste into a job file are printed:

    model = Linear(64, 128), ReLU(), Linear(128, 10)
    model.init = weights.safetensors

Runs with Debian's python3-torch; no safetensors package is needed.
"""
import argparse
import importlib.util
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sequential_io import save_file, to_spec  # noqa: E402


def export(model, path, dtype=torch.float64):
    """Writes model's weights to path; returns the sparktrain model string."""
    spec = to_spec(model)
    save_file(model.state_dict(), path, {"format": "pt", "model": spec}, dtype)
    return spec


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("module", help="a Python file defining the nn.Sequential")
    p.add_argument("output", help="the safetensors file to write")
    p.add_argument("--attr", default="model", help="the variable holding the nn.Sequential (default: model)")
    p.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    a = p.parse_args()
    spec_ = importlib.util.spec_from_file_location("user_model", a.module)
    mod = importlib.util.module_from_spec(spec_)
    spec_.loader.exec_module(mod)
    model = getattr(mod, a.attr, None)
    if not isinstance(model, torch.nn.Sequential):
        sys.exit(f"export_sequential: {a.module} has no nn.Sequential named '{a.attr}'")
    try:
        spec = export(model, a.output, torch.float64 if a.dtype == "float64" else torch.float32)
    except ValueError as e:
        sys.exit(f"export_sequential: {e}")
    print(f"model = {spec}")
    print(f"model.init = {a.output}")


if __name__ == "__main__":
    main()
